from django.conf import settings
from django.http import HttpRequest

from config.navigation import nav_for
from units.access import user_roles, user_unit_code, user_unit_id
from units.roles import Role


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "district_name": settings.DISTRICT_NAME}
    roles = user_roles(user)
    return {
        "nav_items": nav_for(user, request.path_info),
        "district_name": settings.DISTRICT_NAME,
        "user_role_labels": [role.label for role in Role if role in roles],
        "user_unit_id": user_unit_id(user),
        "user_unit_code": user_unit_code(user),
        "user_role_codes": {str(role) for role in roles},
    }
