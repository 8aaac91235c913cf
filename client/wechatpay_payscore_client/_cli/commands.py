"""The commands: which operation each runs, and the parser of each, built from the contract.

A command is a row of `COMMANDS`: its name, its operation, the line its success report starts with, and the few
things the contract cannot say (a flag for one nested field, a constant field). Its flags are derived
(`fields.operation_shape`): the order number and ids as "the order", every other flat field as "the request",
`--body FILE` for the nested parts, `--no-reconcile` for an operation that changes an order.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from .._options import add_merchant_arguments
from .._paid_time import paid_time_not_in_future, parse_paid_time
from .fields import ORDER_FIELDS, Field, OperationShape, operation_shape

__all__ = ["COMMANDS", "Command", "NestedFlag", "add_command"]


@attrs.frozen
class NestedFlag:
    """A flag for one nested field of the body, where the contract's form needs a conversion (`--paid-time`)."""

    flag: str
    pointer: tuple[str, ...]  # where it goes in the body: ("detail", "paid_time")
    parse: Callable[[str], Any]
    help: str

    @property
    def dest(self) -> str:
        return "nested." + "/".join(self.pointer)


@attrs.frozen
class Command:
    """One command of the command line: the operation it runs and what the contract cannot say about it."""

    name: str
    operation_id: str
    # The first line of the success report; `{}` names a field of the answer, the request or `which` (the order).
    headline: str
    body_file: bool = True  # takes `--body FILE` (when the operation has a body)
    constants: Mapping[str, Any] = attrs.field(factory=dict)  # body fields always sent as they are (no flag)
    nested_flags: tuple[NestedFlag, ...] = ()

    @property
    def shape(self) -> OperationShape:
        return operation_shape(self.operation_id)

    @property
    def takes_body_file(self) -> bool:
        return self.body_file and self.shape.body_model is not None

    def flag_fields(self) -> tuple[Field, ...]:
        """The fields that are flags: every flat field but the constants."""
        return tuple(field for field in self.shape.fields if field.name not in self.constants)


def _future_paid_time(value: str) -> str:
    """argparse `type=` for --paid-time: the contract's form, and not in the future."""
    paid_time = parse_paid_time(value)
    if not paid_time_not_in_future(paid_time):
        raise argparse.ArgumentTypeError(
            f"--paid-time {paid_time} is in the future (Beijing time): a payment cannot be later than its sync"
        )
    return paid_time


PAID_TIME = NestedFlag(
    flag="--paid-time",
    pointer=("detail", "paid_time"),
    parse=_future_paid_time,
    help="when the user paid (now, yyyyMMddHHmmss, yyyyMMdd, ISO 8601; see below)",
)

COMMANDS: tuple[Command, ...] = (
    Command("create", "createServiceOrder", "created {out_order_no}: {state}"),
    Command("complete", "completeServiceOrder", "completed {out_order_no}: {status}"),
    Command("modify", "modifyServiceOrder", "modified {out_order_no}: {status}"),
    Command("cancel", "cancelServiceOrder", "cancelled {out_order_no}: {status}"),
    Command("register-deduction", "registerDeductInfo", "registered deduction {out_trade_no} of {out_order_no}"),
    Command("deduction", "queryDeductInfo", "deduction of {out_order_no}: {out_trade_no}"),
    Command(
        "sync",
        "syncServiceOrder",
        "synced {out_order_no}: {status}",
        body_file=False,
        constants={"type": "Order_Paid"},
        nested_flags=(PAID_TIME,),
    ),
    Command("query", "queryServiceOrder", "order {which}: {state}"),
)


def _add_field(group: Any, field: Field, *, required: bool) -> None:
    if field.kind == "boolean":
        group.add_argument(
            field.flag, dest=field.dest, action=argparse.BooleanOptionalAction, default=None, help=field.help()
        )
        return
    group.add_argument(
        field.flag,
        dest=field.dest,
        metavar=field.name.upper(),
        type=field.parser(),
        required=required,
        help=field.help() or None,
    )


def add_command(commands: Any, command: Command, *, epilog: str, handler: Callable[..., int]) -> None:
    """Declare `command` on the subcommands of the `wechatpay-payscore` parser, its flags from the contract."""
    shape = command.shape
    parser: argparse.ArgumentParser = commands.add_parser(
        command.name,
        help=shape.summary,
        description=shape.summary + ".",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=epilog,
    )
    order = parser.add_argument_group("the order")
    body = " (flags fill or override the top-level fields of --body)" if command.takes_body_file else ""
    request = parser.add_argument_group("the request" + body)
    exclusive = order.add_mutually_exclusive_group(required=True) if shape.exactly_one_of else None
    for field in command.flag_fields():
        if exclusive is not None and field.name in shape.exactly_one_of:
            _add_field(exclusive, field, required=False)
            continue
        # A field the body file may carry is not required of the flags: the contract says what is missing.
        required = field.required and not (command.takes_body_file and field.location == "body")
        _add_field(order if field.name in ORDER_FIELDS else request, field, required=required)
    for nested in command.nested_flags:
        request.add_argument(nested.flag, dest=nested.dest, required=True, type=nested.parse, help=nested.help)
    if command.takes_body_file:
        parts = ", ".join(shape.nested)
        request.add_argument(
            "--body",
            metavar="FILE",
            help=f"the request body, one JSON object (- for standard input): {parts} and any other field",
        )
    if shape.changes_order:
        parser.add_argument(
            "--no-reconcile",
            dest="reconcile",
            action="store_false",
            help="report an unknown outcome (exit 5) instead of settling it as the contract says (a query, or "
            "the identical request again where WeChat Pay accepts it)",
        )
    merchant = parser.add_argument_group("merchant configuration (flags override WECHATPAY_* variables and --config)")
    add_merchant_arguments(merchant)
    parser.add_argument("--json", action="store_true", help="one JSON object on standard output instead of text")
    parser.set_defaults(handler=functools.partial(handler, command))
