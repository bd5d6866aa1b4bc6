"""cognito-identity SetIdentityPoolRoles / GetIdentityPoolRoles.

moto 5.2 lacks both; aws_cognito_identity_pool_roles_attachment needs them for create, read and
delete (delete sets an empty role map). The roles live on moto's pool object, so deleting the pool
drops them too.
"""

from . import core

core.extension("cognito-identity-pool-roles")

SERVICE = "cognito-identity"


def _pool(region, pool_id):
    from moto.cognitoidentity.models import cognitoidentity_backends

    return cognitoidentity_backends[core.ACCOUNT_ID][region].identity_pools.get(pool_id)


def _not_found(pool_id):
    return core.json_error("ResourceNotFoundException", "IdentityPool '%s' not found." % pool_id)


@core.handles(SERVICE, "SetIdentityPoolRoles")
def _set(req):
    body = req.json()
    pool_id = body.get("IdentityPoolId", "")
    pool = _pool(req.region, pool_id)
    if pool is None:
        return _not_found(pool_id)
    pool.tfgate_roles = dict(body.get("Roles") or {})
    pool.tfgate_role_mappings = dict(body.get("RoleMappings") or {})
    return core.json_response({})


@core.handles(SERVICE, "GetIdentityPoolRoles")
def _get(req):
    pool_id = req.json().get("IdentityPoolId", "")
    pool = _pool(req.region, pool_id)
    if pool is None:
        return _not_found(pool_id)
    out = {"IdentityPoolId": pool_id, "Roles": getattr(pool, "tfgate_roles", {})}
    mappings = getattr(pool, "tfgate_role_mappings", {})
    if mappings:
        out["RoleMappings"] = mappings
    return core.json_response(out)
