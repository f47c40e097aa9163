from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound


class CategoryNotFound(NotFound):
    code = "catalog.category_not_found"


class InvalidAttribute(InvalidInput):
    code = "catalog.invalid_attribute"


class InvalidFieldDefinition(InvalidInput):
    code = "catalog.invalid_field"


class FieldNameTaken(Conflict):
    code = "catalog.field_name_taken"


class FieldNotFound(NotFound):
    code = "catalog.field_not_found"


class InvalidProcess(InvalidInput):
    code = "catalog.invalid_process"


class NotOperator(Forbidden):
    code = "catalog.not_operator"
