"""A class the docs say to make with a function, called: the function, and the builder's chain."""

from __future__ import annotations

import pytest

ORDERS = '''"""Orders."""

from dataclasses import dataclass


@dataclass
class Order:
    """An order of goods.

    Build one with :func:`order` rather than calling the class.
    """

    item: str
    qty: int = 1
    note: str = ""


class OrderDraft:
    """A builder for an order: chain the setters, then place it."""

    def counting(self, qty: int) -> "OrderDraft":
        """How many."""
        return self

    def noted(self, note: str) -> "OrderDraft":
        """A note for the shop."""
        return self

    def place(self) -> Order:
        """The finished order."""
        return Order("x")


def order(item: str) -> OrderDraft:
    """Begin an order of an item; finish it with ``.place()``."""
    return OrderDraft()
'''


@pytest.fixture
def api(tmp_path):
    from tests.helpers import module_api

    return module_api(tmp_path, "orders", ORDERS)


def test_a_class_its_docs_say_to_build_with_a_function_is_built_so(api):
    from docprompt.repair import apply_fixes
    from docprompt.verify.pybuilders import called_classes

    code = "from orders import Order\no = Order('tea', qty=3, note='green')"
    (issue,) = called_classes(code, api)
    assert issue.message == "the docs say to make an Order with `order(...)`, not by calling the class"
    assert issue.fix is not None and issue.fix[2] == "o = order('tea').counting(3).noted('green').place()"
    assert "Its methods: .counting(qty), .noted(note), .place()." in issue.card
    dotted = "import orders\no = orders.Order(item='tea')"
    assert called_classes(dotted, api)[0].fix == (2, dotted.split("\n")[1], "o = orders.order('tea').place()")
    assert called_classes("o = Order('tea', colour='red')", api)[0].fix is None  # no setter takes it
    assert called_classes("from orders import order\no = order('tea').place()", api) == []
    lines = "from orders import Order\no = Order(\n    'tea',\n    qty=3,\n)\nprint(o)"  # the call over lines
    (issue,) = called_classes(lines, api)
    want = "from orders import Order\no = order('tea').counting(3).place()\nprint(o)"
    assert apply_fixes(lines, [issue])[0] == want


def test_a_value_the_request_names_by_a_setter_s_parameter_is_set_on_the_builder(api):
    """"with the note 'green'": the builder's one setter taking ``note``, where the code calls
    none (the fresh half's f12: ``draft('Vicia faba')`` for "code VF-0001")."""
    from docprompt.repair import apply_fixes
    from docprompt.verify.pywords import unused_words

    ask = "Order tea with the note 'green' and store the order in `o`."
    code = "from orders import order\no = order('tea').place()\n"
    (issue,) = unused_words(code, ask, api)
    want = "from orders import order\no = order('tea').noted('green').place()\n"
    assert apply_fixes(code, [issue])[0] == want
    other = "from orders import order\no = order('tea').noted('red').place()\n"  # the setter is called
    assert unused_words(other, ask, api)[0].fix is None
