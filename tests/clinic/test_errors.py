"""The one error family: each refusal's kind and status belong to its class, services know
nothing of DRF, and the API handler turns any refusal into the one error body."""

import ast
import inspect
from pathlib import Path

import pytest
from rest_framework.test import APIRequestFactory

from clinic.api import exception_handler
from clinic.errors import ApplicationError, InvalidInput
from clinic.links import BadLink, ExpiredLink
from dashboard.services import ActionRefused
from intake.follow_ups import (
    FollowUpAlreadyAnswered,
    FollowUpAnswerInvalid,
    FollowUpError,
    FollowUpNotOpen,
)
from intake.validation import IntakeInvalid
from referrals.errors import (
    AlreadyBooked,
    AppointmentCancelled,
    AppointmentNotFound,
    AppointmentPast,
    BookingNotOffered,
    SlotRefused,
    SlotTaken,
)

ROOT = Path(__file__).resolve().parents[2]
APPS = ("clinic", "intake", "referrals", "dashboard")
DRF = ("rest_framework", "drf_spectacular")
# The service layer: every module a view, task or command calls for a write or a read.
SERVICE_MODULES = (
    "services.py",
    "selectors.py",
    "follow_ups.py",
    "advice.py",
    "validation.py",
    "links.py",
    "zones.py",
    "errors.py",
)


def _all_subclasses(cls: type) -> list[type]:
    found: list[type] = []
    sub: type
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


def _class_attribute(cls: type, name: str) -> object:
    """The attribute as a class (not an instance) defines it, looked up along the MRO."""
    for klass in cls.__mro__:
        if name in vars(klass):
            return vars(klass)[name]
    raise AttributeError(name)


@pytest.mark.parametrize(
    ("error", "kind", "status"),
    [
        (ApplicationError, "invalid", 400),
        (InvalidInput, "validation_error", 400),
        (BadLink, "invalid_link", 404),
        (ExpiredLink, "link_expired", 410),
        (IntakeInvalid, "validation_error", 400),
        (FollowUpAnswerInvalid, "validation_error", 400),
        (FollowUpAlreadyAnswered, "already_answered", 409),
        (FollowUpNotOpen, "not_open", 409),
        (SlotRefused, "validation_error", 400),
        (SlotTaken, "slot_taken", 409),
        (AlreadyBooked, "already_booked", 409),
        (BookingNotOffered, "booking_not_offered", 403),
        (AppointmentCancelled, "appointment_cancelled", 409),
        (AppointmentPast, "appointment_past", 409),
        (AppointmentNotFound, "not_found", 404),
        (ActionRefused, "action_refused", 400),
    ],
)
def test_each_refusal_has_its_kind_and_status_on_the_class(error, kind, status):
    assert issubclass(error, ApplicationError)
    assert (_class_attribute(error, "type"), _class_attribute(error, "status_code")) == (
        kind,
        status,
    )


def test_every_application_error_keeps_kind_and_status_on_the_class_not_the_instance():
    errors = [ApplicationError, *_all_subclasses(ApplicationError)]
    assert len(errors) >= 16
    for error in errors:
        assert isinstance(_class_attribute(error, "type"), str), error
        assert isinstance(_class_attribute(error, "status_code"), int), error
        assert 400 <= _class_attribute(error, "status_code") < 500, error
    # An instance carries what differs per refusal, never its kind or its status.
    parameters = inspect.signature(ApplicationError.__init__).parameters
    assert "type" not in parameters
    assert "status_code" not in parameters
    refusal = SlotTaken(alternatives=[])
    assert "type" not in vars(refusal)
    assert "status_code" not in vars(refusal)


def test_a_refusal_without_a_sentence_says_its_default_one():
    assert BadLink().detail == BadLink.default_detail
    assert ExpiredLink().message == ExpiredLink.default_detail  # the pages' older name
    assert FollowUpNotOpen().detail == "This check-in is closed."
    assert SlotRefused("There is no such slot.").errors == {"slot": ["There is no such slot."]}
    assert isinstance(FollowUpAnswerInvalid(errors={}), FollowUpError)


def _imports(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def _module_path(name: str) -> Path | None:
    for candidate in (ROOT / f"{name.replace('.', '/')}.py", ROOT / name.replace(".", "/")):
        if candidate.suffix == ".py" and candidate.exists():
            return candidate
        if (candidate / "__init__.py").exists():
            return candidate / "__init__.py"
    return None


def _drf_chain(start: Path) -> list[str]:
    """The chain of project modules by which `start` reaches DRF, or [] if it never does."""
    todo, seen = [(start, [str(start.relative_to(ROOT))])], set()
    while todo:
        path, chain = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        for name in _imports(path):
            if name.split(".")[0] in DRF:
                return [*chain, name]
            if name.split(".")[0] in APPS and (found := _module_path(name)):
                todo.append((found, [*chain, name]))
    return []


def _service_modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if path.name in SERVICE_MODULES and "migrations" not in path.parts
    )


def test_services_and_selectors_never_reach_drf_even_indirectly():
    modules = _service_modules()
    assert ROOT / "referrals" / "services.py" in modules
    assert ROOT / "clinic" / "errors.py" in modules
    assert ROOT / "intake" / "follow_ups.py" in modules
    chains = {str(path.relative_to(ROOT)): _drf_chain(path) for path in modules}
    assert {module: chain for module, chain in chains.items() if chain} == {}


def test_the_api_handler_writes_any_refusal_in_the_one_error_body():
    request = APIRequestFactory().post("/api/v1/appointments/")
    alternatives = [{"id": 7}]
    response = exception_handler(SlotTaken(alternatives=alternatives), {"request": request})
    assert response.status_code == 409
    assert response.data == {
        "type": "slot_taken",
        "detail": "That time has just been taken. Here are the nearest free times.",
        "errors": {},
        "alternatives": alternatives,
    }
    response = exception_handler(IntakeInvalid({"patient.email": ["Bad."]}), {})
    assert (response.status_code, response.data) == (
        400,
        {
            "type": "validation_error",
            "detail": "Some fields are not valid.",
            "errors": {"patient.email": ["Bad."]},
        },
    )
