"""The knee diagram on the form's "Where and when it hurts" step: the geometry of its areas.

The front view is the knee as the patient looks down at it: for the right knee the outside
is on the right; the left knee is its mirror image. Labels sit beside the leg, clear of its
outline, with a short line to their area. The back of the knee has its own view. The
picture is only a shortcut: the tick boxes under it are the accessible way to answer.
"""

from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

WIDTH = 400  # the front view's viewBox width; mirroring is x -> WIDTH - x

# The leg seen from the front (symmetrical, so the same for either knee).
LEG_PATH = "M150 0 L250 0 L255 120 Q258 150 245 180 L240 300 L160 300 L155 180 Q142 150 145 120 Z"
BACK_LEG_PATH = "M50 0 L150 0 L155 120 Q158 150 145 180 L140 290 L60 290 L55 180 Q42 150 45 120 Z"


@dataclass(frozen=True)
class Area:
    """One tappable area: a rounded box (or a circle, when `r` is set) and its label."""

    location: str
    label: Any  # a lazy translation: read in the active language
    x: float
    y: float
    w: float = 0
    h: float = 0
    r: float = 0
    label_x: float = 0
    label_y: float = 0
    anchor: str = "start"
    line: tuple[float, float, float, float] = (0, 0, 0, 0)

    @property
    def is_circle(self) -> bool:
        return self.r > 0

    def mirrored(self) -> "Area":
        x1, y1, x2, y2 = self.line
        return replace(
            self,
            x=WIDTH - self.x if self.is_circle else WIDTH - self.x - self.w,
            label_x=WIDTH - self.label_x,
            anchor="end" if self.anchor == "start" else "start",
            line=(WIDTH - x1, y1, WIDTH - x2, y2),
        )


# The right knee, as its owner looks down at it.
RIGHT_FRONT = (
    Area(
        "under_kneecap", gettext_lazy("Kneecap"), x=200, y=125, r=26,
        label_x=124, label_y=64, anchor="end", line=(128, 60, 182, 106),
    ),
    Area(
        "below_kneecap", gettext_lazy("Below kneecap"), x=182, y=160, w=36, h=42,
        label_x=272, label_y=246, anchor="start", line=(216, 196, 268, 240),
    ),
    Area(
        "outside", gettext_lazy("Outside"), x=232, y=92, w=32, h=80,
        label_x=276, label_y=137, anchor="start", line=(264, 132, 272, 132),
    ),
    Area(
        "inside", gettext_lazy("Inside"), x=136, y=92, w=32, h=80,
        label_x=124, label_y=137, anchor="end", line=(136, 132, 128, 132),
    ),
)  # fmt: skip
BACK = Area(
    "back", gettext_lazy("Back of the knee"), x=70, y=100, w=60, h=56,
    label_x=100, label_y=322, anchor="middle", line=(100, 156, 100, 290),
)  # fmt: skip


@dataclass(frozen=True)
class KneeDiagram:
    side: str
    caption: str
    front: tuple[Area, ...]
    back: Area = BACK
    leg_path: str = LEG_PATH
    back_leg_path: str = BACK_LEG_PATH


def knee_diagram(side: str) -> KneeDiagram:
    """The diagram for the knee chosen: `left` mirrored, `right` and `both` as drawn."""
    if side == "left":
        areas = tuple(area.mirrored() for area in RIGHT_FRONT)
        return KneeDiagram("left", _("Your left knee, as you look down at it"), areas)
    if side == "both":
        caption = _("Your right knee, as you look down at it (the left is its mirror image)")
        return KneeDiagram("both", caption, RIGHT_FRONT)
    return KneeDiagram("right", _("Your right knee, as you look down at it"), RIGHT_FRONT)
