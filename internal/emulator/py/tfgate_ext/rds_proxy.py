"""rds ModifyDBProxy (query protocol), and DBProxyNotFoundFault for a missing proxy.

moto 5.2 creates, describes and deletes proxies but cannot change one, and its DeleteDBProxy and
proxy-target operations raise KeyError (a 501 here) for a proxy that is gone, where AWS answers
DBProxyNotFoundFault, which the provider reads as "already deleted". Terraform updates
aws_db_proxy in place (auth, TLS, timeouts, role, security groups), and the restore runbook
(docs/restore-runbook.md) points the proxy at a restored instance's new managed secret with it.
"""

import re
from xml.sax.saxutils import escape

from . import core

core.extension("rds-modify-db-proxy")

SERVICE = "rds"


def _members(form, prefix):
    """Auth.member.1.SecretArn=... -> [{"SecretArn": ...}], SecurityGroups.member.1=sg -> ["sg"]."""
    items = {}
    rx = re.compile(r"^%s\.member\.(\d+)(?:\.(\w+))?$" % re.escape(prefix))
    for key, values in form.items():
        m = rx.match(key)
        if not m:
            continue
        idx, field = int(m.group(1)), m.group(2)
        if field is None:
            items[idx] = values[0]
        else:
            items.setdefault(idx, {})[field] = values[0]
    return [items[i] for i in sorted(items)] if items else None


def _proxy_not_found(name):
    body = ("<ErrorResponse><Error><Type>Sender</Type><Code>DBProxyNotFoundFault</Code>"
            "<Message>DBProxy %s not found.</Message></Error><RequestId>tfgate</RequestId></ErrorResponse>"
            % escape(name or ""))
    return 404, [("Content-Type", "text/xml")], body.encode()


@core.handles(SERVICE, "DeleteDBProxy", "RegisterDBProxyTargets", "DeregisterDBProxyTargets",
              "DescribeDBProxyTargets", "DescribeDBProxyTargetGroups", "ModifyDBProxyTargetGroup")
def _existing_proxy(req):
    from moto.rds.models import rds_backends

    name = req.param("DBProxyName")
    if name not in rds_backends[core.ACCOUNT_ID][req.region].db_proxies:
        return _proxy_not_found(name)
    return None  # moto answers


def _bool(v):
    return None if v is None else v.lower() == "true"


@core.handles(SERVICE, "ModifyDBProxy")
def _modify(req):
    from moto.rds.models import rds_backends

    backend = rds_backends[core.ACCOUNT_ID][req.region]
    name = req.param("DBProxyName")
    proxy = backend.db_proxies.get(name)
    if proxy is None:
        return _proxy_not_found(name)
    auth = _members(req.form, "Auth")
    if auth is not None:
        proxy.auth = auth
    sgs = _members(req.form, "SecurityGroups")
    if sgs is not None:
        proxy.vpc_security_group_ids = sgs
    for param, attr, conv in (("RequireTLS", "require_tls", _bool), ("DebugLogging", "debug_logging", _bool),
                              ("IdleClientTimeout", "idle_client_timeout", int), ("RoleArn", "role_arn", str)):
        v = req.param(param)
        if v is not None:
            setattr(proxy, attr, conv(v))
    new_name = req.param("NewDBProxyName")
    if new_name and new_name != name:
        backend.db_proxies[new_name] = backend.db_proxies.pop(name)
        proxy.db_proxy_name = new_name
    auth_xml = "".join(
        "<member>%s</member>" % "".join("<%s>%s</%s>" % (k, escape(str(v)), k) for k, v in a.items())
        for a in (proxy.auth or []))
    body = ("<ModifyDBProxyResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><ModifyDBProxyResult>"
            "<DBProxy><DBProxyName>%s</DBProxyName><Status>available</Status><EngineFamily>%s</EngineFamily>"
            "<RoleArn>%s</RoleArn><Endpoint>%s</Endpoint><RequireTLS>%s</RequireTLS>"
            "<IdleClientTimeout>%d</IdleClientTimeout><DebugLogging>%s</DebugLogging><Auth>%s</Auth></DBProxy>"
            "</ModifyDBProxyResult><ResponseMetadata><RequestId>tfgate</RequestId></ResponseMetadata>"
            "</ModifyDBProxyResponse>" % (
                escape(proxy.db_proxy_name), escape(proxy.engine_family), escape(proxy.role_arn or ""),
                escape(proxy.endpoint), str(bool(proxy.require_tls)).lower(), int(proxy.idle_client_timeout),
                str(bool(proxy.debug_logging)).lower(), auth_xml))
    return 200, [("Content-Type", "text/xml")], body.encode()
