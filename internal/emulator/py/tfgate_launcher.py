"""tfgate's launcher for moto_server.

Written under the emulator state dir by the Go package internal/emulator and started as
`python3 tfgate_launcher.py --host 127.0.0.1 --port N`. It imports moto, loads tfgate's
extensions (tfgate_ext/*), wraps moto's WSGI app and serves it with moto's own server stack
(werkzeug run_simple, threaded), exactly as `moto_server` does.

Why a wrapper: moto raises NotImplementedError for operations it lacks; werkzeug turns that into
an HTML 500, which the AWS provider retries for 10+ minutes. The middleware answers 501 with a
JSON error naming the service and operation so Terraform fails within seconds.
"""

import argparse
import io
import json
import os
import signal
import sys
import traceback

# Settings moto reads at import time: AWS-managed IAM policies must exist (attachments of
# arn:aws:iam::aws:policy/... fail otherwise) and ACM validation must not wait 60 s.
os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
os.environ.setdefault("MOTO_ACM_VALIDATION_WAIT", "0")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    from werkzeug.serving import run_simple
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
except ImportError as exc:  # pragma: no cover - reported by the Go side
    sys.stderr.write(
        "tfgate: cannot import moto's server (%s); install it with: pip install 'moto[server]'\n" % exc
    )
    sys.exit(3)

import tfgate_ext  # noqa: E402  (needs sys.path above)
from tfgate_ext import core  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--request-log", default="", help="append one JSON line per request")
    args = parser.parse_args(argv)

    os.environ["MOTO_PORT"] = str(args.port)

    def stop(signum, frame):
        sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    tfgate_ext.load_all()
    moto_app = DomainDispatcherApplication(create_backend_app)
    moto_app.debug = True  # moto's Flask apps then propagate exceptions to our middleware
    app = core.Middleware(moto_app, request_log=args.request_log)

    sys.stderr.write("tfgate emulator: moto with extensions %s on http://%s:%d\n"
                     % (",".join(core.EXTENSIONS), args.host, args.port))
    sys.stderr.flush()
    run_simple(args.host, args.port, app, threaded=True, use_reloader=False)


if __name__ == "__main__":
    main()
