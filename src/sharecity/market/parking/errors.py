from sharecity.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound


class SpaceNotFound(NotFound):
    code = "parking.space_not_found"


class BookingNotFound(NotFound):
    code = "parking.booking_not_found"


class OutsideWindows(Conflict):
    code = "parking.outside_windows"


class SlotTaken(Conflict):
    code = "parking.slot_taken"


class InvalidTimes(InvalidInput):
    code = "parking.invalid_times"


class NotYourBooking(Forbidden):
    code = "parking.not_your_booking"


class WrongState(Conflict):
    code = "parking.wrong_state"
