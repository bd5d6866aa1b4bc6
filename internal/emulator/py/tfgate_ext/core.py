"""Middleware and registries shared by tfgate's moto extensions.

Extensions plug in three ways:
  * @handles(service, op, ...)      answer an operation moto lacks (JSON/query protocols: the
                                    operation comes from X-Amz-Target or Action);
  * @handles_rest(service, method, path_regex, op)  the same for REST protocols;
  * @after(service, op, ...)        rewrite moto's answer (e.g. timestamps, dropped attributes).
A handler returns a (status, headers, body) triple, or None to let moto answer.
State kept by extensions lives in module dicts cleared by @on_reset hooks, so
POST /moto-api/reset empties it together with moto's own backends.
"""

import io
from http import HTTPStatus
import json
import re
import threading
import time
import traceback
from urllib.parse import parse_qs

EXTENSIONS = []
_HANDLERS = {}
_REST = []
_AFTER = {}
_RESET_HOOKS = []
_INVENTORY = []
LOCK = threading.RLock()

ACCOUNT_ID = "123456789012"


def extension(name):
    EXTENSIONS.append(name)


def handles(service, *ops):
    def deco(fn):
        for op in ops:
            _HANDLERS[(service, op)] = fn
        return fn

    return deco


def handles_rest(service, method, pattern, op):
    rx = re.compile(pattern + r"/?$")

    def deco(fn):
        _REST.append((service, method, rx, op, fn))
        return fn

    return deco


def after(service, *ops):
    """ops may be "*" (every operation of the service)."""

    def deco(fn):
        for op in ops:
            _AFTER.setdefault((service, op), []).append(fn)
        return fn

    return deco


def on_reset(fn):
    _RESET_HOOKS.append(fn)
    return fn


def inventory(fn):
    """fn() -> iterable of (service, type, id) for resources an extension stores itself."""
    _INVENTORY.append(fn)
    return fn


class Request:
    def __init__(self, environ):
        self.environ = environ
        self.method = environ.get("REQUEST_METHOD", "GET")
        self.path = environ.get("PATH_INFO", "")
        self.query = parse_qs(environ.get("QUERY_STRING", ""))
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > 0:
            self.body = environ["wsgi.input"].read(length)
        elif environ.get("wsgi.input_terminated"):
            # chunked transfer encoding: werkzeug de-chunks, no Content-Length
            self.body = environ["wsgi.input"].read()
        else:
            self.body = b""
        environ["wsgi.input"] = io.BytesIO(self.body)
        if self.body and not length:
            environ["CONTENT_LENGTH"] = str(len(self.body))
        self.service, self.region = _signing_scope(environ.get("HTTP_AUTHORIZATION", ""))
        target = environ.get("HTTP_X_AMZ_TARGET", "")
        self.op = target.rsplit(".", 1)[1] if "." in target else ""
        if not self.op:
            form = {}
            ctype = environ.get("CONTENT_TYPE", "")
            if ctype.startswith("application/x-www-form-urlencoded"):
                form = parse_qs(self.body.decode("utf-8", "replace"))
            self.form = form
            action = (form.get("Action") or self.query.get("Action") or [""])[0]
            self.op = action
        else:
            self.form = {}
        self._json = None

    def json(self):
        if self._json is None:
            try:
                self._json = json.loads(self.body.decode("utf-8") or "{}")
            except ValueError:
                self._json = {}
        return self._json

    def param(self, name, default=None):
        """Query-protocol parameter (first value)."""
        return (self.form.get(name) or [default])[0]


def _signing_scope(auth):
    # "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/logs/aws4_request, ..."
    m = re.search(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/aws4_request", auth)
    if not m:
        return "", "us-east-1"
    return m.group(2).lower(), m.group(1)


def json_response(data, status=200, content_type="application/x-amz-json-1.1"):
    return status, [("Content-Type", content_type)], json.dumps(data, default=str).encode()


def json_error(code, message, status=400):
    return (
        status,
        [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-ErrorType", code)],
        json.dumps({"__type": code, "message": message, "Message": message}).encode(),
    )


# REST-XML services, and the shape of their error bodies.
_REST_XML = {"s3": "bare", "s3control": "bare", "cloudfront": "wrapped", "route53": "wrapped"}


def error_501(req, code, msg):
    """A 501 whose body the client's protocol can parse, so the SDK (and Terraform) shows the
    message: JSON for JSON/REST-JSON services (the common case, and the documented shape),
    the query/EC2/REST-XML error documents otherwise."""
    from xml.sax.saxutils import escape

    headers = [("x-amzn-ErrorType", code)]
    inner = "<Code>%s</Code><Message>%s</Message>" % (code, escape(msg))
    if req.service == "ec2" and req.form.get("Action"):
        body = "<Response><Errors><Error>%s</Error></Errors><RequestID>tfgate</RequestID></Response>" % inner
        return 501, headers + [("Content-Type", "text/xml")], body.encode()
    if req.form.get("Action") or req.query.get("Action"):
        body = ("<ErrorResponse><Error><Type>Sender</Type>%s</Error><RequestId>tfgate</RequestId>"
                "</ErrorResponse>" % inner)
        return 501, headers + [("Content-Type", "text/xml")], body.encode()
    if req.service in _REST_XML:
        if _REST_XML[req.service] == "bare":
            body = "<Error>%s<RequestId>tfgate</RequestId></Error>" % inner
        else:
            body = "<ErrorResponse><Error><Type>Sender</Type>%s</Error><RequestId>tfgate</RequestId></ErrorResponse>" % inner
        return 501, headers + [("Content-Type", "application/xml")], body.encode()
    return (501, headers + [("Content-Type", "application/x-amz-json-1.1")],
            json.dumps({"__type": code, "message": msg}).encode())


def _status_line(status):
    try:
        return "%d %s" % (status, HTTPStatus(status).phrase)
    except ValueError:
        return "%d Unknown" % status


def _camel(snake):
    return "".join(p[:1].upper() + p[1:] for p in snake.split("_"))


class Middleware:
    def __init__(self, app, request_log=""):
        self.app = app
        self.request_log = request_log
        self._log_lock = threading.Lock()

    def __call__(self, environ, start_response):
        req = Request(environ)
        status, headers, body = self.handle(req)
        if self.request_log:
            self._log(req, status)
        start_response(_status_line(status), headers)
        return [body]

    def _log(self, req, status):
        line = json.dumps({"t": round(time.time(), 3), "service": req.service, "op": req.op,
                           "method": req.method, "path": req.path, "status": status})
        with self._log_lock:
            with open(self.request_log, "a") as f:
                f.write(line + "\n")

    def handle(self, req):
        if req.path == "/tfgate/health":
            return json_response({"ok": True, "extensions": EXTENSIONS}, content_type="application/json")
        if req.path == "/tfgate/resources":
            return json_response({"resources": list_resources()}, content_type="application/json")

        try:
            fn = _HANDLERS.get((req.service, req.op))
            if fn is None:
                for service, method, rx, op, rfn in _REST:
                    if service == req.service and method == req.method:
                        m = rx.match(req.path)
                        if m:
                            req.op = op
                            req.match = m
                            fn = rfn
                            break
            if fn is not None:
                with LOCK:
                    out = fn(req)
                if out is not None:
                    return out
            status, headers, body = self._moto(req)
            if status == 404 and req.service and not req.path.startswith("/moto-api") and _is_html(headers, body):
                # moto has the service but no route for this operation (backup StartRestoreJob,
                # ...): werkzeug's HTML 404 would surface as a deserialization error.
                return self._not_implemented(req, "")
            if req.path.startswith("/moto-api/reset") and req.method == "POST":
                with LOCK:
                    # moto dropped every backend; they are rebuilt (and snapshotted) on next use.
                    del _BACKENDS[:]
                    _BASELINE.clear()
                    for hook in _RESET_HOOKS:
                        hook()
            for afn in _AFTER.get((req.service, req.op), []) + _AFTER.get((req.service, "*"), []):
                with LOCK:
                    status, headers, body = afn(req, status, headers, body)
            return status, headers, body
        except NotImplementedError as exc:
            return self._not_implemented(req, str(exc))
        except _UnknownService:
            return self._not_implemented(req, "")
        except Exception as exc:  # a crash in moto or an extension
            # werkzeug would answer an HTML 500, which the provider retries for 10+ minutes;
            # answer like an unimplemented operation so the apply fails now, naming the cause.
            traceback.print_exc()
            msg = "%s %s failed in the local emulator: %s: %s" % (
                req.service or "unknown-service", req.op or req.path, type(exc).__name__, exc)
            return error_501(req, "EmulatorError", msg)

    def _not_implemented(self, req, detail):
        op = req.op
        if not op:
            m = re.search(r"The (\w+) action has not been implemented", detail)
            op = _camel(m.group(1)) if m else "%s %s" % (req.method, req.path)
        service = req.service or "unknown-service"
        msg = "%s %s is not implemented by the local emulator" % (service, op)
        if detail and detail not in msg:
            msg += " (moto: %s)" % detail
        return error_501(req, "NotImplemented", msg)

    def _moto(self, req):
        environ = req.environ
        environ["wsgi.input"] = io.BytesIO(req.body)
        if req.service and not req.path.startswith("/moto-api"):
            host = self.app.infer_service_region_host(environ, req.path)
            if host is not None and self.app.get_backend_for_host(host) is None:
                raise _UnknownService()
            environ["wsgi.input"] = io.BytesIO(req.body)
        captured = {}

        def sr(status, headers, exc_info=None):
            captured["status"] = int(status.split(" ", 1)[0])
            captured["headers"] = list(headers)
            return lambda data: None

        it = self.app(environ, sr)
        try:
            body = b"".join(it)
        finally:
            if hasattr(it, "close"):
                it.close()
        headers = [(k, v) for k, v in captured.get("headers", []) if k.lower() != "content-length"]
        return captured.get("status", 500), headers, body


def _is_html(headers, body):
    """werkzeug's own error page (moto's S3 also says text/html on a bodiless HEAD 404, which is
    a real "no such bucket" and must stay one)."""
    return (any(k.lower() == "content-type" and v.startswith("text/html") for k, v in headers)
            and body.lstrip()[:15].lower() == b"<!doctype html>")


class _UnknownService(Exception):
    pass


# ---------------------------------------------------------------------------------------------
# Inventory: what the emulator holds beyond the defaults every fresh backend creates (default VPC,
# AWS-managed IAM policies, ...). A snapshot of each backend's models is taken right after the
# backend is built (first use, or reset); anything not in it was created by a client.

_BACKENDS = []  # (service, account, region, backend)
_BASELINE = {}  # id(backend) -> {id(model): model}


def _walk(obj, out, depth=0):
    from moto.core.common_models import BaseModel

    if depth > 5:
        return
    if isinstance(obj, BaseModel):
        out[id(obj)] = obj
        return
    if isinstance(obj, dict):
        for v in list(obj.values()):
            _walk(v, out, depth + 1)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for v in list(obj):
            _walk(v, out, depth + 1)


def _models_of(backend):
    out = {}
    for v in list(vars(backend).values()):
        _walk(v, out)
    return out


def _snapshot(backend):
    _BASELINE[id(backend)] = _models_of(backend)


def install_backend_hooks():
    from moto.core.base_backend import AccountSpecificBackend, BaseBackend

    orig_getitem = AccountSpecificBackend.__getitem__

    def getitem(self, region_name):
        key = "aws" if region_name == "global" else region_name
        fresh = key not in self.keys()
        backend = orig_getitem(self, region_name)
        if fresh:
            _BACKENDS.append((self.service_name, self.account_id, key, backend))
            _snapshot(backend)
        return backend

    AccountSpecificBackend.__getitem__ = getitem

    orig_reset = BaseBackend.reset

    def reset(self):
        orig_reset(self)
        _snapshot(self)

    BaseBackend.reset = reset

    # moto creates AWS-managed KMS keys (alias/aws/rds, alias/aws/secretsmanager, ...) on first
    # use but reports them as CUSTOMER keys; AWS reports KeyManager=AWS.
    from moto.kms.models import KmsBackend

    orig_default_keys = KmsBackend._generate_default_keys

    def generate_default_keys(self, alias_name):
        key_id = orig_default_keys(self, alias_name)
        if key_id is not None and key_id in self.keys:
            self.keys[key_id].key_manager = "AWS"
        return key_id

    KmsBackend._generate_default_keys = generate_default_keys


_ID_ATTRS = ("arn", "id", "identifier", "name", "db_instance_identifier", "key_id", "physical_resource_id")


def _ident(model):
    for attr in _ID_ATTRS:
        try:
            v = getattr(model, attr, None)
        except Exception:
            continue
        if isinstance(v, str) and v:
            return v
    return "(unnamed)"


def _gone(model):
    """True for objects AWS itself keeps after a delete, or that AWS owns: they are not leftovers.
    ECS keeps INACTIVE clusters/services/task definitions, EC2 shows deleted NAT gateways and VPC
    endpoints for a while, KMS keeps keys pending deletion,
    Secrets Manager keeps secrets in their recovery window, AWS Backup deleted plans; AWS-managed KMS keys (aws/rds, ...)
    are created on first use, like the real ones."""
    try:
        if getattr(model, "status", None) == "INACTIVE":
            return True
        if getattr(model, "state", None) == "deleted":  # NAT gateways, VPC endpoints
            return True
        if getattr(model, "key_state", None) in ("PendingDeletion", "PendingReplicaDeletion"):
            return True
        if getattr(model, "key_manager", None) == "AWS":
            return True
        if type(model).__name__ == "FakeSecret" and getattr(model, "deleted_date", None):
            return True
        # AWS Backup keeps deleted plans (ListBackupPlans IncludeDeleted) with a DeletionDate.
        if type(model).__name__ == "Plan" and getattr(model, "deletion_date", None):
            return True
    except Exception:
        return False
    return False


def list_resources():
    out = []
    for service, account, region, backend in list(_BACKENDS):
        base = _BASELINE.get(id(backend), {})
        for mid, model in _models_of(backend).items():
            if mid in base or _gone(model):
                continue
            out.append({"service": service, "region": region, "type": type(model).__name__,
                        "id": _ident(model)})
    for fn in _INVENTORY:
        for service, typ, ident in fn():
            out.append({"service": service, "region": "", "type": typ, "id": ident})
    return out
