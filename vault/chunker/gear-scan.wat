;; The FastCDC hot loop (fastcdc.ts, `#scan`) in WebAssembly: rolls the gear
;; hash h = (h << 1) + gear[b] (mod 2^32) over memory[i, end) and returns the
;; index just past the first byte after which (h & mask) == 0, or -1. The
;; hash carries over between calls in the exported global `h`.
;;
;; Memory layout: bytes [0, 1024) hold the 256-entry gear table as
;; little-endian i32; the caller copies the bytes to scan from 1024 on.
;;
;; The committed binary is `gear-scan-wasm.ts`; test/unit/gear-scan.test.ts
;; assembles this file with wabt and fails (printing the new bytes) when the
;; two differ.
(module
  (memory (export "memory") 17)
  (global $h (export "h") (mut i32) (i32.const 0))
  (func (export "scan") (param $i i32) (param $end i32) (param $mask i32) (result i32)
    (local $h i32)
    (local.set $h (global.get $h))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $h
          (i32.add
            (i32.shl (local.get $h) (i32.const 1))
            (i32.load (i32.shl (i32.load8_u (local.get $i)) (i32.const 2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $loop (i32.and (local.get $h) (local.get $mask)))
        (global.set $h (local.get $h))
        (return (local.get $i))))
    (global.set $h (local.get $h))
    (i32.const -1)))
