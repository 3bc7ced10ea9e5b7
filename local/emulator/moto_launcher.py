"""Haven's moto server: moto with Step Functions execution on and Lambda served by local function hosts.

Started by local/emulator/moto-server.ts as `python moto_launcher.py HOST PORT [RETRY_WAIT_SCALE]` with the pinned moto
installed in the project's virtualenv. It changes exactly these moto symbols (each checked at start,
so an upgrade that moves one fails loudly instead of silently running something else):

1. ``moto.awslambda.models.LambdaFunction._invoke_lambda`` (the one method holding every Docker
   call): POSTs the event to the function host named by the function's ``HAVEN_LOCAL_FUNCTION_HOST``
   environment variable (set by the local cloud when it creates the function in moto; the host never
   passes it to the function) and returns ``(body, errored, logs)`` as the original does.
2. ``moto.stepfunctions.parser.asl.utils.boto_client.boto_client_for`` (and the modules that imported
   it by name): the interpreter's own AWS calls (Lambda Invoke of a Task, S3 GetObject of a Map's
   ItemReader, S3 PutObject of its ResultWriter) are signed with the state machine role's name as
   access key id and sent to the IAM proxy named by the role's ``haven:local-proxy`` tag, so the local
   cloud authorizes them against the state machine's role exactly as AWS does. Clients are shared by
   every thread, per role and service (building one costs about 15 ms, and each Map child is a thread).
3. ``moto.stepfunctions.parser.asl.component.common.error_name.error_equals_decl.ErrorEqualsDecl._eval_body``:
   ``States.ALL`` no longer matches ``States.DataLimitExceeded`` or ``States.Runtime``. AWS documents both
   as terminal errors that the ``States.ALL`` wildcard does not catch; moto's interpreter caught them.
   Minimal reproduction: a Task whose result is 300 KB with ``Catch: [{ErrorEquals: ["States.ALL"]}]``
   succeeds into its Catch state under unpatched moto 5.2.5 and fails the execution in AWS.
4. Distributed Map (moto_distributed_map.py, next to this file, documents each of its patches): the
   ``ItemBatcher`` field (moto's grammar rejects it), at most ``MAX_WORKER_THREADS`` children at once
   where moto started one thread per item, the tolerated failure threshold (moto never applied it: a
   failed child left ``null`` in the result and the Map succeeded), and a worker loop without recursion.
5. ``default_user_config["stepfunctions"]["execute_state_machine"] = True``.
6. ``moto.stepfunctions.parser.asl.component.state.exec.state_parallel.branches_decl.CustomErrorName``: a
   Parallel re-raises a failed branch's error under the branch's error name. moto wraps every name in
   ``CustomErrorName``, which refuses the ``States.`` prefix, so a branch ending with a ``States.*`` error
   (``States.ExceedToleratedFailureThreshold`` from a Distributed Map in the branch, ``States.Timeout``,
   ``States.TaskFailed``) ended the whole execution with a ``States.Runtime`` ValueError instead of
   reaching the Parallel's Catch. AWS propagates the branch's error as is.
7. Speed, not behaviour: the models and routers of the services the local cloud calls are loaded
   before the server listens (``_warm_services``), a DynamoDB ``AttributeValue`` is serialized by the
   members it holds (``_install_attribute_values``), ``moto.backends.list_of_moto_modules`` is listed once (moto lists its package
   directory, with a ``stat`` per entry, on every request to find the request's backend), and werkzeug's
   per-request access log is off (nobody reads it; formatting and writing it took about a seventh of the
   server's CPU), and ``moto.core.responses.method_names_from_class`` (``inspect.getmembers`` of the
   service's response class on every request) is remembered per class. Measured on a backup of 4,000
   small partitions (4,000 DynamoDB Scans).
8. ``moto.stepfunctions.parser.asl.component.common.retry.retrier_decl.time``: a Retry's wait is multiplied
   by the optional third argument (default 1, the template's waits). The test suite passes a small
   factor so that retried failures do not spend the suite's minutes asleep; the number of attempts,
   their order and the ratio between successive waits are unchanged.

A role without the tag, and a function without the variable, fall back to moto's own behaviour for
the interpreter's calls (this server) and to an error for Lambda (there is no Docker here).
"""
import functools
import json
import os
import signal
import sys
import threading
import urllib.error
import urllib.request

import moto_distributed_map  # next to this file: sys.path[0] when run as a script

HOST_VARIABLE = "HAVEN_LOCAL_FUNCTION_HOST"
PROXY_TAG = "haven:local-proxy"


def _function_host_invoke(self, event=None):
    host = (self.environment_vars or {}).get(HOST_VARIABLE)
    if not host:
        return json.dumps({"errorType": "Lambda.ServiceException",
                           "errorMessage": f"{self.function_name} has no local function host"}), True, ""
    # moto hands over the parsed request body, or the string "{}" for an empty one.
    body = json.dumps({"payload": {} if event is None or event == "{}" else event}).encode()
    request = urllib.request.Request(f"{host}/invoke/{self.function_name}", data=body,
                                     headers={"content-type": "application/json"})
    try:
        # The host enforces the function's timeout itself; this only guards against a dead host.
        with urllib.request.urlopen(request, timeout=float(self.timeout or 900) + 60) as response:
            return response.read().decode(), False, ""
    except urllib.error.HTTPError as error:  # a function error: {errorType, errorMessage}
        return error.read().decode(), True, ""
    except Exception as error:  # the host is gone or hung
        return json.dumps({"errorType": "Lambda.ServiceException", "errorMessage": str(error)}), True, ""


#: The interpreter's clients, by region, service and route. botocore clients are thread-safe, and every
#: Map child runs on a new thread: a client per thread cost a client build (about 15 ms, mostly botocore
#: listing its data directories) per child and service.
_clients = {}
_clients_lock = threading.Lock()
#: Connections a client keeps to the proxy: one per Map child or Parallel branch calling at once.
CLIENT_POOL_CONNECTIONS = 64


def _role_route(role_arn):
    """(access key id, proxy URL) for a state machine role, or None when the role has no proxy tag."""
    from moto.iam.models import iam_backends
    try:
        account = role_arn.split(":")[4]
        role = iam_backends[account]["global"].get_role_by_arn(role_arn)
    except Exception:
        return None
    tags = role.tags
    items = tags.values() if isinstance(tags, dict) else tags
    for tag in items or []:
        if tag.get("Key") == PROXY_TAG:
            return role.name, tag.get("Value")
    return None


def _install_parallel_errors():
    from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import (
        ILLEGAL_CUSTOM_ERROR_PREFIX, CustomErrorName)
    from moto.stepfunctions.parser.asl.component.common.error_name.states_error_name import StatesErrorName
    from moto.stepfunctions.parser.asl.component.state.exec.state_parallel import branches_decl

    if getattr(branches_decl, "CustomErrorName", None) is not CustomErrorName:
        raise SystemExit("moto changed: branches_decl.CustomErrorName is gone")

    def branch_error_name(error_name=None):
        if error_name is not None and error_name.startswith(ILLEGAL_CUSTOM_ERROR_PREFIX):
            return StatesErrorName.from_name(error_name)
        return CustomErrorName(error_name=error_name)

    branches_decl.CustomErrorName = branch_error_name


def _install_speedups():
    import logging
    from moto import backends
    from moto.core import responses

    if not hasattr(backends, "list_of_moto_modules"):
        raise SystemExit("moto changed: moto.backends.list_of_moto_modules is gone")
    modules = tuple(backends.list_of_moto_modules())
    backends.list_of_moto_modules = lambda: modules
    if not hasattr(responses, "method_names_from_class"):
        raise SystemExit("moto changed: moto.core.responses.method_names_from_class is gone")
    responses.method_names_from_class = functools.lru_cache(maxsize=None)(responses.method_names_from_class)
    # werkzeug adds its own handler at INFO only while the logger's level is unset.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    _warm_services()
    _install_attribute_values()


#: The services the local cloud calls (provisioning, the functions, the interpreter), by botocore name.
WARM_SERVICES = ("dynamodb", "s3", "kms", "lambda", "stepfunctions", "iam", "sts", "events", "scheduler",
                 "secretsmanager", "logs", "sns", "sqs")


def _install_attribute_values():
    """Serializes a DynamoDB ``AttributeValue`` by the members it holds instead of asking for all ten.

    moto's model-driven serializer looks up every member of a structure under each of its aliases; an
    ``AttributeValue`` holds exactly one of its ten, so every attribute of every item cost about twenty
    lookups (py-spy: response serialization was three quarters of moto's DynamoDB time, 11 to 20 ms per
    GetItem or UpdateItem of a catalog record). moto's DynamoDB results name the members exactly
    (``dynamo_to_dict``), so serializing each present member with the same per-type serializers writes
    the same JSON.
    """
    from moto.core.serialize import BaseJSONSerializer

    original = getattr(BaseJSONSerializer, "_serialize_type_structure", None)
    if original is None:
        raise SystemExit("moto changed: BaseJSONSerializer._serialize_type_structure is gone")

    def serialize_structure(self, serialized, value, shape, key):
        if key and shape.name == "AttributeValue" and isinstance(value, dict) \
                and self.operation_model.service_model.service_name == "dynamodb":
            wrapper = self.MAP_TYPE()
            members = shape.members
            for member_key, member_value in value.items():
                member_shape = members.get(member_key)
                if member_shape is None or member_value is None:
                    continue
                member_shape.parent = shape
                self._serialize(wrapper, member_value, member_shape, member_key)
            self._default_serialize(serialized, wrapper, shape, key)
            return
        original(self, serialized, value, shape, key)

    BaseJSONSerializer._serialize_type_structure = serialize_structure


def _warm_services():
    """Loads each service's botocore model and builds its request router before the first request.

    moto caches both for good (``functools.cache``), but only once one call has returned: a local cloud's
    provisioning sends dozens of requests at once, and every thread that found the cache empty loaded the
    model and built the router again, all under one GIL (a fresh server's first stack took about 30 s,
    later ones under 2 s). Here they load once, in about 50 ms a service.
    """
    from moto.core.routing import get_service_router

    for service in WARM_SERVICES:
        router = get_service_router(service)
        try:
            router._get_router(router._service_model.protocol)
        except Exception:  # a protocol moto routes elsewhere (no router class): nothing to warm
            pass


def _install_retry_wait_scale(scale):
    import time
    import types
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl

    if getattr(retrier_decl, "time", None) is not time:
        raise SystemExit("moto changed: retrier_decl no longer sleeps with the time module")
    retrier_decl.time = types.SimpleNamespace(sleep=lambda seconds: time.sleep(seconds * scale))


def _install():
    import boto3
    from botocore.config import Config
    from moto.awslambda.models import LambdaFunction
    from moto.core.config import default_user_config
    from moto.stepfunctions.parser.asl.utils import boto_client as boto_client_module
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

    original = boto_client_module.boto_client_for

    def boto_client_for(region, service, state_credentials=None):
        role_arn = getattr(state_credentials, "role_arn", None)
        route = _role_route(role_arn) if role_arn else None
        if route is None:
            return original(region=region, service=service, state_credentials=state_credentials)
        key = (region, service, route)
        client = _clients.get(key)
        if client is None:
            with _clients_lock:
                client = _clients.get(key)
                if client is None:
                    access_key, proxy = route
                    client = _clients[key] = boto3.client(
                        service_name=service, region_name=region, endpoint_url=proxy,
                        aws_access_key_id=access_key, aws_secret_access_key="local", aws_session_token="local",
                        config=Config(parameter_validation=False, retries={"max_attempts": 0, "total_max_attempts": 1},
                                      connect_timeout=60, read_timeout=1000, s3={"addressing_style": "path"},
                                      max_pool_connections=CLIENT_POOL_CONNECTIONS),
                    )
        return client

    for name, owner in (("_invoke_lambda", LambdaFunction),):
        if not hasattr(owner, name):
            raise SystemExit(f"moto changed: {owner.__name__}.{name} is gone")
    LambdaFunction._invoke_lambda = _function_host_invoke
    patched = [boto_client_module, lambda_eval_utils]
    # A Map's ItemReader (S3 GetObject) and ResultWriter (S3 PutObject) import it by name too.
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.item_reader.eval import resource_eval_s3
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.result_writer.resource_eval import (
        resource_eval_s3 as result_writer_s3)
    patched += [resource_eval_s3, result_writer_s3]
    for module in patched:
        if not hasattr(module, "boto_client_for"):
            raise SystemExit(f"moto changed: {module.__name__}.boto_client_for is gone")
        module.boto_client_for = boto_client_for
    _install_terminal_errors()
    _install_parallel_errors()
    moto_distributed_map.install()
    _install_speedups()
    default_user_config.setdefault("stepfunctions", {})["execute_state_machine"] = True


#: Errors the States.ALL wildcard does not catch in AWS.
TERMINAL_ERRORS = ("States.DataLimitExceeded", "States.Runtime")


def _install_terminal_errors():
    from moto.stepfunctions.parser.asl.component.common.error_name import error_equals_decl

    decl = error_equals_decl.ErrorEqualsDecl
    if not hasattr(decl, "_eval_body") or not hasattr(decl, "_STATE_ALL_ERROR"):
        raise SystemExit("moto changed: ErrorEqualsDecl._eval_body or _STATE_ALL_ERROR is gone")
    original = decl._eval_body

    def _eval_body(self, env):
        error_name = env.stack[-1]
        original(self, env)
        name = getattr(error_name, "error_name", None)
        explicit = any(getattr(n, "error_name", None) == name for n in self.error_names)
        if name in TERMINAL_ERRORS and not explicit and env.stack[-1] is True:
            env.stack[-1] = False

    decl._eval_body = _eval_body


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    retry_wait_scale = float(sys.argv[3]) if len(sys.argv) > 3 else 1.0
    # moto's own boto_client_for (a role without the proxy tag) calls back to localhost:MOTO_PORT,
    # 5000 unless set: make that this server.
    os.environ["MOTO_PORT"] = str(port)
    _install()
    if retry_wait_scale != 1.0:
        _install_retry_wait_scale(retry_wait_scale)
    from moto.server import ThreadedMotoServer
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    print(f"moto listening on {host}:{port}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    server.stop()


if __name__ == "__main__":
    main()
