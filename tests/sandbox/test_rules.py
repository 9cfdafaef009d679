import random

import pytest

from sandbox.rules import validate
from syncs.demo.records import payload


def _record(data_type: str = "directCosts", breaks: str = "") -> dict:
    return payload(random.Random(5), data_type, "rec-1", breaks)


def _messages(data_type: str, record: dict) -> list[str]:
    return [error["message"] for error in validate(data_type, record)]


@pytest.mark.parametrize("data_type", ["directCosts", "directIncomes", "bills", "transfers"])
def test_it_accepts_the_records_the_demo_data_builds(data_type):
    assert validate(data_type, _record(data_type)) == []


def test_it_refuses_tax_on_a_line_with_a_zero_tax_rate():
    assert validate("directCosts", _record(breaks="zero_tax")) == [
        {
            "itemId": "LineItems[0].TaxAmount",
            "message": "Failed to push to DirectCost as LineItems[0].TaxAmount must be 0 when "
            "used with a Tax Rate with an effective rate of 0.",
            "validatorName": "DirectCost",
        }
    ]


def test_it_refuses_a_direct_income_posted_to_a_control_account():
    assert _messages("directIncomes", _record("directIncomes", "ap_account")) == [
        "Failed to push to DirectIncome as LineItems[0].AccountRef must not have account type "
        "'Accounts Payable' or 'Accounts Receivable'"
    ]


def test_it_lets_a_bill_post_to_accounts_payable():
    assert validate("bills", _record("bills", "ap_account")) == []


def test_it_names_each_missing_required_field():
    record = _record()
    del record["issueDate"], record["lineItems"][0]["quantity"]
    assert _messages("directCosts", record) == [
        "Failed to push to DirectCost as IssueDate is required.",
        "Failed to push to DirectCost as LineItems[0].Quantity is required.",
    ]


def test_it_refuses_a_record_without_lines():
    record = {**_record(), "lineItems": []}
    assert _messages("directCosts", record) == [
        "Failed to push to DirectCost as LineItems must contain at least one line."
    ]


def test_it_refuses_a_total_that_is_not_the_sum_of_the_lines():
    record = {**_record(), "totalAmount": 1.1}
    (message,) = _messages("directCosts", record)
    assert message.startswith("Failed to push to DirectCost as TotalAmount 1.1 must equal")


def test_it_needs_an_id_on_records_without_lines():
    assert _messages("customers", {"customerName": "Acme"}) == [
        "Failed to push to Customer as Id is required."
    ]
