from django.utils.translation import gettext_lazy as _

from sharecity.kernel.errors import Conflict, Forbidden, NotFound


class PlatformNotFound(NotFound):
    code = "platform.not_found"

    def __init__(self, message=None, **kwargs):
        super().__init__(message or _("No such platform."), field=kwargs.pop("field", "platform"), **kwargs)


class WrongPlatform(Forbidden):
    code = "platform.forbidden"

    def __init__(self, message=None, **kwargs):
        message = message or _("This API key belongs to another platform.")
        super().__init__(message, field=kwargs.pop("field", "platform"), **kwargs)


class DuplicatePlatform(Conflict):
    code = "platform.duplicate"
