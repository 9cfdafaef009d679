"""The sandbox platform's validation: the rules Codat's validators apply to written records.

Messages follow the Portal's ("Failed to push to DirectCost as LineItems[0].TaxAmount must be
0 when used with a Tax Rate with an effective rate of 0.").
"""

from decimal import Decimal, InvalidOperation

# Writable accounting data types (Codat's "write" table) and the validator each one meets.
VALIDATORS = {
    "bankAccounts": "BankAccount",
    "bankTransactions": "BankTransactions",
    "billCreditNotes": "BillCreditNote",
    "billPayments": "BillPayment",
    "bills": "Bill",
    "chartOfAccounts": "Account",
    "creditNotes": "CreditNote",
    "customers": "Customer",
    "directCosts": "DirectCost",
    "directIncomes": "DirectIncome",
    "invoices": "Invoice",
    "items": "Item",
    "journalEntries": "JournalEntry",
    "journals": "Journal",
    "payments": "Payment",
    "purchaseOrders": "PurchaseOrder",
    "suppliers": "Supplier",
    "transfers": "Transfer",
}
# Expense-style records: each has dated, priced lines posted to accounts.
WITH_LINES = frozenset(
    {"bills", "billCreditNotes", "creditNotes", "directCosts", "directIncomes", "invoices"}
)
# Direct costs and incomes post straight to an account, never to a control account.
CONTROL_ACCOUNTS = ("Accounts Payable", "Accounts Receivable")
NO_CONTROL_ACCOUNT = frozenset({"directCosts", "directIncomes"})
ROUNDING = Decimal("0.01")


def validate(data_type: str, record: dict) -> list[dict]:
    """The validation errors of writing `record` as `data_type`; empty when it is valid."""
    validator = VALIDATORS[data_type]

    def error(item_id: str, problem: str) -> dict:
        return {
            "itemId": item_id,
            "message": f"Failed to push to {validator} as {item_id} {problem}",
            "validatorName": validator,
        }

    if data_type not in WITH_LINES:
        return [] if record.get("id") else [error("Id", "is required.")]
    errors = [
        error(name, "is required.")
        for key, name in (("issueDate", "IssueDate"), ("currency", "Currency"))
        if not record.get(key)
    ]
    lines = record.get("lineItems")
    if not isinstance(lines, list) or not lines:
        return [*errors, error("LineItems", "must contain at least one line.")]
    for index, line in enumerate(lines):
        errors += _line_errors(data_type, index, line if isinstance(line, dict) else {}, error)
    total, lines_total = _amount(record.get("totalAmount")), _lines_total(lines)
    if total is None:
        errors.append(error("TotalAmount", "is required."))
    elif lines_total is not None and abs(total - lines_total) > ROUNDING:
        errors.append(
            error("TotalAmount", f"{total} must equal the line item total {lines_total}.")
        )
    return errors


def _line_errors(data_type: str, index: int, line: dict, error) -> list[dict]:
    where = f"LineItems[{index}]"
    errors = [
        error(f"{where}.{name}", "is required.")
        for key, name in (("unitAmount", "UnitAmount"), ("quantity", "Quantity"))
        if _amount(line.get(key)) is None
    ]
    account = line.get("accountRef") or {}
    if not account.get("id"):
        errors.append(error(f"{where}.AccountRef", "is required."))
    elif data_type in NO_CONTROL_ACCOUNT and account.get("type") in CONTROL_ACCOUNTS:
        errors.append(
            error(
                f"{where}.AccountRef",
                "must not have account type 'Accounts Payable' or 'Accounts Receivable'",
            )
        )
    rate = _amount((line.get("taxRateRef") or {}).get("effectiveTaxRate"))
    tax = _amount(line.get("taxAmount"))
    if rate == 0 and tax:
        errors.append(
            error(
                f"{where}.TaxAmount",
                "must be 0 when used with a Tax Rate with an effective rate of 0.",
            )
        )
    return errors


def _lines_total(lines: list) -> Decimal | None:
    amounts = [_amount(line.get("totalAmount")) for line in lines if isinstance(line, dict)]
    if len(amounts) != len(lines) or None in amounts:
        return None
    return sum(amounts, Decimal(0))


def _amount(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
