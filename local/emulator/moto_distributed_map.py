"""Distributed Map on moto 5.2.5 the way AWS Step Functions runs it, for what Haven uses.

Imported by moto_launcher.py, which calls ``install()`` once at start. Every moto symbol changed here
is checked first, so an upgrade that moves one fails loudly. The patches, and why AWS behaves so:

1. ``AmazonStateLanguageParser.parse`` (used by CreateStateMachine/UpdateStateMachine validation and by
   every execution): moto's ANTLR grammar rejects ``ItemBatcher``. The patched parse removes it from each
   Map state before moto parses the definition, compiles it (``BatchInput`` as a Parameters payload
   template, so ``.$`` paths and intrinsics work), and attaches it to the parsed Map state's iteration
   component. The stored definition is untouched, so DescribeStateMachine returns it as written, as AWS
   does. AWS: https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itembatcher.html —
   each child execution gets ``{"Items": [...]}`` plus ``"BatchInput"`` when set; ``ItemSelector`` is
   applied to each item before batching; ``MaxItemsPerBatch``/``MaxInputBytesPerBatch`` (or their
   ``Path`` forms, read from the Map state's input) bound a batch, the bytes at most 256 KiB.
2. ``DistributedIterationComponent._map_run``: moto starts one worker thread per item when
   ``MaxConcurrency`` is 0 (unset), which on a 2,500-item Map is 2,500 threads (each running its child
   program on one more). AWS runs up to 10,000 children at once
   (https://docs.aws.amazon.com/step-functions/latest/dg/state-map-distributed.html); the emulator runs
   at most ``MAX_WORKER_THREADS`` children at once, fewer when ``MaxConcurrency(Path)`` says so.
   It also applies the tolerated failure threshold, which moto evaluates but never applies (a failed
   child left a ``null`` in the Map's result and the Map succeeded). AWS
   (https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html): the default
   threshold is zero, so one failed or timed-out child fails the Map Run, and the Map state fails with
   ``States.ExceedToleratedFailureThreshold``; a failed batch counts all its items. Once the threshold
   is exceeded no further child starts; children already running finish.
3. ``DistributedItemProcessorWorker._eval_job``: records a failed child's Error and Cause for (2); they
   go into the Map's Cause (AWS's Cause is generic, and points at the child execution, which the
   emulator cannot show).
4. ``DistributedItemProcessorWorker._eval_pool``: moto's worker recurses once per child it runs, so a
   worker running more than ~1,000 children (``MaxConcurrency: 1`` over a large item list) died with
   RecursionError; the same loop, iterative.
"""
from __future__ import annotations

import copy
import json
import threading

#: At most this many child executions of one Distributed Map run at once in the emulator (AWS: 10,000).
#: Each child holds a worker thread plus one for its program and one per running state, and every child
#: shares the machine's cores with moto itself; past a few dozen, more threads only add contention.
MAX_WORKER_THREADS = 64

#: AWS's ceiling for MaxInputBytesPerBatch (and for any state's input): 256 KiB.
MAX_INPUT_BYTES_PER_BATCH = 256 * 1024

_SPEC = "_haven_distributed_map"

BATCHER_FIELDS = ("MaxItemsPerBatch", "MaxItemsPerBatchPath", "MaxInputBytesPerBatch",
                  "MaxInputBytesPerBatchPath", "BatchInput")


class ItemBatcherSpec:
    """A Map state's ItemBatcher, compiled."""

    def __init__(self, field: dict, batch_input):
        self.max_items = field.get("MaxItemsPerBatch")
        self.max_items_path = field.get("MaxItemsPerBatchPath")
        self.max_bytes = field.get("MaxInputBytesPerBatch")
        self.max_bytes_path = field.get("MaxInputBytesPerBatchPath")
        self.batch_input = batch_input  # a Parameters component, or None


class MapSpec:
    """What the patched map run needs to know of a Map state that moto's parse throws away."""

    def __init__(self, batcher: ItemBatcherSpec | None, count_set: bool, percentage_set: bool):
        self.batcher = batcher
        self.count_set = count_set
        self.percentage_set = percentage_set


def _invalid(message: str):
    from moto.stepfunctions.parser.asl.parse.asl_parser import ASLParserException
    return ASLParserException(errors=[message])


def _compile_batcher(state_name: str, state: dict, field, parse) -> ItemBatcherSpec:
    where = f"ItemBatcher of Map state '{state_name}'"
    processor = state.get("ItemProcessor") or {}
    if (processor.get("ProcessorConfig") or {}).get("Mode") != "DISTRIBUTED":
        raise _invalid(f"{where}: ItemBatcher is only allowed in a Map state in DISTRIBUTED mode")
    if not isinstance(field, dict):
        raise _invalid(f"{where}: must be an object")
    unknown = sorted(set(field) - set(BATCHER_FIELDS))
    if unknown:
        raise _invalid(f"{where}: unknown field(s) {', '.join(unknown)}")
    for name in ("MaxItemsPerBatch", "MaxInputBytesPerBatch"):
        if name in field and f"{name}Path" in field:
            raise _invalid(f"{where}: {name} and {name}Path are mutually exclusive")
        value = field.get(name)
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
            raise _invalid(f"{where}: {name} must be a positive integer")
        path = field.get(f"{name}Path")
        if path is not None and (not isinstance(path, str) or not path.startswith("$")):
            raise _invalid(f"{where}: {name}Path must be a reference path")
    if not any(f in field for f in BATCHER_FIELDS[:4]):
        raise _invalid(f"{where}: needs MaxItemsPerBatch(Path) or MaxInputBytesPerBatch(Path)")
    if (field.get("MaxInputBytesPerBatch") or 0) > MAX_INPUT_BYTES_PER_BATCH:
        raise _invalid(f"{where}: MaxInputBytesPerBatch must be at most {MAX_INPUT_BYTES_PER_BATCH}")
    batch_input = None
    if "BatchInput" in field:
        if not isinstance(field["BatchInput"], dict):
            raise _invalid(f"{where}: BatchInput must be an object")
        # A Pass state's Parameters is exactly a payload template evaluated against an input.
        probe = {"StartAt": "BatchInput", "States": {"BatchInput": {
            "Type": "Pass", "Parameters": field["BatchInput"], "End": True}}}
        program, _ = parse(json.dumps(probe))
        batch_input = program.states.states["BatchInput"].parameters
    return ItemBatcherSpec(field, batch_input)


def _strip(states, specs: dict, parse) -> None:
    """Removes ItemBatcher from every Map state under `states` (a definition's States object), in place,
    recording a MapSpec per Map state by the identity of its dict."""
    if not isinstance(states, dict):
        return
    for name, state in states.items():
        if not isinstance(state, dict):
            continue
        if state.get("Type") == "Map":
            batcher = None
            if "ItemBatcher" in state:
                batcher = _compile_batcher(name, state, state.pop("ItemBatcher"), parse)
            specs[id(state)] = MapSpec(
                batcher=batcher,
                count_set=any(k in state for k in ("ToleratedFailureCount", "ToleratedFailureCountPath")),
                percentage_set=any(k in state for k in ("ToleratedFailurePercentage",
                                                        "ToleratedFailurePercentagePath")))
            processor = state.get("ItemProcessor") or state.get("Iterator") or {}
            _strip(processor.get("States"), specs, parse)
        elif state.get("Type") == "Parallel":
            for branch in state.get("Branches") or []:
                if isinstance(branch, dict):
                    _strip(branch.get("States"), specs, parse)


def _attach(states: dict, parsed_states, specs: dict) -> None:
    """Walks the definition and the parsed program together, putting each MapSpec on its Map state's
    iteration component (one per Map state, built by this parse, so nothing is shared)."""
    for name, state in states.items():
        parsed = parsed_states.states.get(name)
        if parsed is None:
            continue
        if state.get("Type") == "Map":
            component = parsed.iteration_component
            setattr(component, _SPEC, specs.get(id(state)))
            processor = state.get("ItemProcessor") or state.get("Iterator") or {}
            _attach(processor.get("States") or {}, component._states, specs)
        elif state.get("Type") == "Parallel":
            for branch, program in zip(state.get("Branches") or [], parsed.branches.programs):
                _attach(branch.get("States") or {}, program.states, specs)


def _install_parse():
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

    original = AmazonStateLanguageParser.parse

    def parse(definition: str):
        try:
            document = json.loads(definition)
        except (TypeError, ValueError):
            return original(definition)  # moto reports the syntax error
        if not isinstance(document, dict) or "ItemBatcher" not in definition and "Tolerated" not in definition:
            return original(definition)
        specs: dict = {}
        _strip(document.get("States"), specs, original)
        program, tree = original(json.dumps(document))
        _attach(document.get("States") or {}, program.states, specs)
        return program, tree

    AmazonStateLanguageParser.parse = staticmethod(parse)


class MapRunPool:
    """moto's JobPool, plus: stops handing out children once the tolerated failure threshold is
    exceeded, and is done when every child it handed out has closed."""

    def __init__(self, base, job_program, job_inputs, item_counts, threshold):
        base.__init__(self, job_program=job_program, job_inputs=job_inputs)
        self._started = 0
        self._halted = False
        self._item_counts = item_counts  # items per child (1 without an ItemBatcher)
        self._failed_items = 0
        self._threshold = threshold  # (failed items so far) -> bool: exceeded
        self.failures: list[tuple[int, dict]] = []  # (child index, {error, cause})

    def next_job(self):
        with self._mutex:
            if self._worker_exception is not None or self._halted or not self._open_jobs:
                return None
            self._started += 1
            return self._open_jobs.pop()

    def _is_terminated(self) -> bool:
        expected = self._started if self._halted else self._jobs_number
        return self._worker_exception is not None or len(self._closed_jobs) >= expected

    def record_failure(self, job_index: int, error: dict) -> None:
        with self._mutex:
            self.failures.append((job_index, error))
            self._failed_items += self._item_counts[job_index]
            if self._threshold(self._failed_items):
                self._halted = True

    def exceeded(self) -> bool:
        return self._threshold(self._failed_items)


def _runtime_failure(env, cause: str):
    from moto.stepfunctions.parser.api import HistoryEventType, TaskFailedEventDetails
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
        FailureEvent, FailureEventException)
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
        StatesErrorNameType)
    from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

    name = StatesErrorName(typ=StatesErrorNameType.StatesRuntime)
    return FailureEventException(failure_event=FailureEvent(
        env=env, error_name=name, event_type=HistoryEventType.TaskFailed,
        event_details=EventDetails(taskFailedEventDetails=TaskFailedEventDetails(
            error=name.error_name, cause=cause))))


def _threshold_failure(env, pool: MapRunPool, total_items: int):
    from moto.stepfunctions.parser.api import HistoryEventType, MapRunFailedEventDetails
    from moto.stepfunctions.parser.asl.component.common.error_name.failure_event import (
        FailureEvent, FailureEventException)
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name_type import (
        StatesErrorNameType)
    from moto.stepfunctions.parser.asl.eval.event.event_detail import EventDetails

    name = StatesErrorName(typ=StatesErrorNameType.StatesExceedToleratedFailureThreshold)
    index, first = sorted(pool.failures, key=lambda f: f[0])[0]
    cause = (f"The specified tolerated failure threshold was exceeded: {len(pool.failures)} child "
             f"execution(s) failed ({pool._failed_items} of {total_items} items). Local cloud: the first "
             f"failed child (index {index}) ended with {first.get('error')}: {first.get('cause')}")
    return FailureEventException(failure_event=FailureEvent(
        env=env, error_name=name, event_type=HistoryEventType.MapRunFailed,
        event_details=EventDetails(mapRunFailedEventDetails=MapRunFailedEventDetails(
            error=name.error_name, cause=cause))))


def _positive_int_at(env, map_input, path: str, field: str) -> int:
    from moto.stepfunctions.parser.asl.utils.json_path import NoSuchJsonPathError, extract_json
    try:
        value = extract_json(path, map_input)
    except NoSuchJsonPathError:
        raise _runtime_failure(env, f"The {field} path '{path}' could not be found in the Map state's input")
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise _runtime_failure(env, f"The {field} path '{path}' must resolve to a positive integer, "
                                    f"but was {json.dumps(value)}")
    return value


def _selected_items(env, eval_input, items: list, map_input) -> list:
    """Each item through ItemSelector (or the legacy Parameters), with $$.Map.Item set, as AWS does before
    batching."""
    from moto.stepfunctions.parser.asl.eval.states import ItemData, MapData

    selector = eval_input.item_selector or eval_input.parameters
    if selector is None:
        return items
    frame = env.open_inner_frame()
    try:
        selected = []
        for index, item in enumerate(items):
            frame.states.context_object.context_object_data["Map"] = MapData(
                Item=ItemData(Index=index, Value=item))
            frame.states.reset(input_value=map_input)
            frame.stack = [map_input]
            selector.eval(frame)
            selected.append(frame.stack.pop())
        return selected
    finally:
        env.delete_frame(frame)


def _batches(env, eval_input, spec: ItemBatcherSpec, items: list) -> tuple[list, list]:
    """The children's inputs, {"Items": [...], "BatchInput": {...}}, and how many items each holds."""
    map_input = env.stack[-1] if env.stack else env.states.get_input()
    max_items = spec.max_items
    if spec.max_items_path:
        max_items = _positive_int_at(env, map_input, spec.max_items_path, "MaxItemsPerBatchPath")
    max_bytes = spec.max_bytes
    if spec.max_bytes_path:
        max_bytes = _positive_int_at(env, map_input, spec.max_bytes_path, "MaxInputBytesPerBatchPath")
        max_bytes = min(max_bytes, MAX_INPUT_BYTES_PER_BATCH)
    batch_input = None
    if spec.batch_input is not None:
        frame = env.open_inner_frame()
        try:
            frame.states.reset(input_value=map_input)
            frame.stack = [map_input]
            spec.batch_input.eval(frame)
            batch_input = frame.stack.pop()
        finally:
            env.delete_frame(frame)

    def size(value) -> int:
        return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode())

    # The bytes bound a batch's whole input: {"Items":[...]} plus its BatchInput.
    overhead = size({"Items": [], **({"BatchInput": batch_input} if batch_input is not None else {})})
    groups: list[list] = []
    current: list = []
    current_bytes = overhead
    for index, item in enumerate(_selected_items(env, eval_input, items, map_input)):
        item_bytes = size(item) + (1 if current else 0)  # the comma
        if max_bytes is not None and overhead + size(item) > max_bytes:
            raise _runtime_failure(env, f"Item {index} is {size(item)} bytes; with the batch's envelope it "
                                        f"exceeds MaxInputBytesPerBatch ({max_bytes})")
        full = (max_items is not None and len(current) >= max_items) or (
            max_bytes is not None and current_bytes + item_bytes > max_bytes)
        if current and full:
            groups.append(current)
            current, current_bytes = [], overhead
            item_bytes = size(item)
        current.append(item)
        current_bytes += item_bytes
    if current:
        groups.append(current)
    inputs = [{"Items": g, **({"BatchInput": copy.deepcopy(batch_input)} if batch_input is not None else {})}
              for g in groups]
    return inputs, [len(g) for g in groups]


def _threshold(spec: MapSpec | None, record, total_items: int):
    """(failed items) -> exceeded, per https://docs.aws.amazon.com/step-functions/latest/dg/maprun-fail-threshold.html:
    with neither field set a single failure exceeds it; with both, exceeding either does."""
    count_set = bool(spec and spec.count_set)
    percentage_set = bool(spec and spec.percentage_set)

    def exceeded(failed: int) -> bool:
        if failed == 0:
            return False
        over_count = failed > record.tolerated_failure_count
        over_percentage = total_items > 0 and failed * 100.0 / total_items > record.tolerated_failure_percentage
        if count_set and percentage_set:
            return over_count or over_percentage
        if count_set:
            return over_count
        if percentage_set:
            return over_percentage
        return True

    return exceeded


def _install_map_run():
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration import (
        distributed_iteration_component as module)
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration.job import JobPool
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.max_concurrency import (
        DEFAULT_MAX_CONCURRENCY_VALUE)

    component = module.DistributedIterationComponent
    for name in ("_map_run", "_launch_worker", "_get_iteration_program"):
        if not hasattr(component, name):
            raise SystemExit(f"moto changed: DistributedIterationComponent.{name} is gone")
    for name in ("_mutex", "_open_jobs", "_closed_jobs", "_jobs_number", "_worker_exception"):
        if name not in JobPool.__init__.__code__.co_names:
            raise SystemExit(f"moto changed: JobPool.{name} is gone")

    pool_class = type("MapRunJobPool", (MapRunPool, JobPool), {
        "__init__": lambda self, job_program, job_inputs, item_counts, threshold: MapRunPool.__init__(
            self, JobPool, job_program, job_inputs, item_counts, threshold)})

    def _map_run(self, env, eval_input) -> None:
        items = env.stack.pop()
        spec: MapSpec | None = getattr(self, _SPEC, None)
        if spec is not None and spec.batcher is not None:
            job_inputs, item_counts = _batches(env, eval_input, spec.batcher, items)
            eval_input = copy.copy(eval_input)  # the items went through ItemSelector already
            eval_input.item_selector = None
            eval_input.parameters = None
        else:
            job_inputs, item_counts = items, [1] * len(items)
        record = eval_input.map_run_record
        pool = pool_class(job_program=self._get_iteration_program(), job_inputs=job_inputs,
                          item_counts=item_counts, threshold=_threshold(spec, record, len(items)))
        limit = record.max_concurrency
        workers = min(len(job_inputs), MAX_WORKER_THREADS if limit == DEFAULT_MAX_CONCURRENCY_VALUE
                      else min(limit, MAX_WORKER_THREADS))
        for _ in range(workers):
            self._launch_worker(env=env, eval_input=eval_input, job_pool=pool)
        if workers:
            pool.await_jobs()
        worker_exception = pool.get_worker_exception()
        if worker_exception is not None:
            raise worker_exception
        if pool.exceeded():
            raise _threshold_failure(env, pool, len(items))
        env.stack.append([job.job_output for job in pool.get_closed_jobs()])

    component._map_run = _map_run


def _install_worker():
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration.itemprocessor import (
        distributed_item_processor_worker as module)
    from moto.stepfunctions.parser.asl.eval.program_state import (
        ProgramEnded, ProgramError, ProgramStopped, ProgramTimedOut)

    worker = module.DistributedItemProcessorWorker
    for name in ("_eval_job", "_eval_pool"):
        if name not in vars(worker):
            raise SystemExit(f"moto changed: DistributedItemProcessorWorker.{name} is gone")
    original_eval_job = worker._eval_job

    def _eval_job(self, env, job) -> None:
        original_eval_job(self, env, job)
        pool = self._job_pool
        if not isinstance(pool, MapRunPool):
            return
        state = env.program_state()
        if isinstance(state, (ProgramEnded, ProgramStopped)):
            return
        if isinstance(state, ProgramError):
            error = dict(state.error or {})
        elif isinstance(state, ProgramTimedOut):
            error = {"error": "States.Timeout", "cause": "The child execution timed out"}
        else:
            error = {"error": "States.Runtime", "cause": "The child execution ended without an outcome"}
        pool.record_failure(job.job_index, error)

    def _eval_pool(self, job, worker_frame) -> None:
        # moto's loop, without the recursion per child.
        while True:
            if job is None:
                self._env.delete_frame(worker_frame)
                return
            job_frame = worker_frame.open_inner_frame()
            self._eval_job(env=job_frame, job=job)
            worker_frame.delete_frame(job_frame)
            if isinstance(job.job_output, Exception) or self.stopped():
                self._env.delete_frame(worker_frame)
                self._job_pool.close_job(job)
                return
            next_job = self._job_pool.next_job()
            if next_job is None:
                self._env.delete_frame(worker_frame)
                self._job_pool.close_job(job)
                return
            self._job_pool.close_job(job)
            job = next_job

    worker._eval_job = _eval_job
    worker._eval_pool = _eval_pool


_installed = threading.Lock()


def install() -> None:
    """Applies the patches above (once)."""
    if not _installed.acquire(blocking=False):
        return
    _install_parse()
    _install_map_run()
    _install_worker()
