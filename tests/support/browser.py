"""Keyboard helpers for the browser tests."""


def tab_to(page, selector: str, *, limit: int = 400) -> None:
    """Press Tab until `selector` has focus: the keyboard-only path a patient would take."""
    target = page.locator(selector).first
    for _ in range(limit):
        if target.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {selector} with the keyboard")
