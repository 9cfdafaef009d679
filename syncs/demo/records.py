"""Configuration snapshots and push payloads in Codat's shapes, for the demo data."""

import random

from syncs.models import Product

CURRENCIES = ("GBP", "EUR", "USD")
SUPPLIERS = ("Office Depot", "Rail Europe", "Costa Coffee", "Amazon Business", "Uber")


def _option(rng: random.Random, name: str) -> dict:
    return {"id": str(rng.randint(10, 999)), "name": name}


def _account(rng: random.Random, label: str, required: bool) -> dict:
    options = [
        {
            "id": str(rng.randint(100, 9999)),
            "name": name,
            "nominalCode": str(code),
            "classification": classification,
        }
        for name, code, classification in (
            ("Sales", 4000, "Income"),
            ("Card Receipts", 1210, "Bank Nominal"),
            ("Merchant Fees", 7700, "Expense"),
            ("Gratuities", 4010, "Income"),
        )
    ]
    return {
        "labelText": label,
        "descriptionText": f"Choose the account {label.lower()} post to.",
        "selectedAccountId": rng.choice(options)["id"],
        "required": required,
        "accountOptions": options,
    }


def commerce_configuration(rng: random.Random, company_id: str, company_name: str) -> dict:
    """Codat's Sync for Commerce `Configuration`."""
    customers = [_option(rng, name) for name in ("Online Sales", "Cash Sales", "Card Sales")]
    tax_rates = [_option(rng, name) for name in ("Standard 20%", "Reduced 5%", "Zero Rated")]
    grouping_options = ["Location", "Product", "TaxRate"]
    return {
        "companyId": company_id,
        "accountingSoftwareCompanyName": company_name,
        "enable": True,
        "configured": True,
        "schedule": {
            "selectedFrequency": "Daily",
            "frequencyOptions": ["Daily", "Monthly"],
            "startDate": "2025-01-01T00:00:00Z",
            "syncHour": 0,
            "timeZone": rng.choice(("Europe/London", "Europe/Dublin", "Etc/UTC")),
        },
        "configuration": {
            "countryCode": rng.choice(("GB", "IE", "US")),
            "mapSettings": {"outputFormat": "JournalEntry"},
            "sales": {
                "syncSales": True,
                "accounts": {
                    "sales": _account(rng, "Sales", True),
                    "gratuity": _account(rng, "Gratuity", False),
                    "refund": _account(rng, "Refunds", False),
                },
                "invoiceStatus": {
                    "selectedInvoiceStatus": "Submitted",
                    "invoiceStatusOptions": ["Submitted", "Draft"],
                },
                "salesCustomer": {
                    "selectedCustomerId": rng.choice(customers)["id"],
                    "customerOptions": customers,
                },
                "taxRates": {
                    "20": {"selectedTaxRateId": tax_rates[0]["id"], "taxRateOptions": tax_rates},
                    "0": {"selectedTaxRateId": tax_rates[2]["id"], "taxRateOptions": tax_rates},
                },
                "grouping": {
                    "groupingPeriod": {
                        "selectedGroupingPeriod": "Daily",
                        "groupingPeriodOptions": ["Daily"],
                    },
                    "groupingLevels": {
                        "invoiceLevel": {
                            "selectedGroupByOptions": ["Location"],
                            "groupByOptions": grouping_options,
                        },
                        "invoiceLineLevel": {
                            "selectedGroupByOptions": ["TaxRate"],
                            "groupByOptions": grouping_options,
                        },
                    },
                },
            },
            "payments": {
                "syncPayments": True,
                "accounts": {
                    "card": _account(rng, "Card", True),
                    "cash": _account(rng, "Cash", False),
                },
            },
            "fees": {
                "syncFees": rng.random() < 0.7,
                "feesSupplier": {
                    "selectedSupplierId": "124",
                    "supplierOptions": [{"id": "124", "name": "Payment Processor Ltd"}],
                },
                "accounts": {"paymentFee": _account(rng, "Payment fees", True)},
            },
        },
    }


def expenses_configuration(rng: random.Random) -> dict:
    """Codat's Sync for Expenses `CompanyConfiguration`."""
    return {
        "bankAccount": {"id": str(rng.randint(10, 99))},
        "supplier": {"id": str(rng.randint(100, 199))},
        "customer": {"id": str(rng.randint(100, 199))},
    }


def configuration(rng: random.Random, product: str, company_id: str, company_name: str) -> dict:
    if product == Product.COMMERCE:
        return commerce_configuration(rng, company_id, company_name)
    return expenses_configuration(rng)


def payload(rng: random.Random, data_type: str, record_id: str, breaks: str = "") -> dict:
    """A record to write; `breaks` names the validation rule the record violates, if any."""
    amount = round(rng.uniform(4, 900), 2)
    tax_rate = 0 if breaks == "zero_tax" else rng.choice((0, 20))
    tax = round(amount * tax_rate / 100, 2) if breaks != "zero_tax" else round(amount * 0.2, 2)
    account = (
        {"id": "800", "name": "Accounts Payable", "type": "Accounts Payable"}
        if breaks == "ap_account"
        else {"id": str(rng.randint(400, 799)), "name": "Travel Expenses", "type": "Expense"}
    )
    line = {
        "description": rng.choice(SUPPLIERS) + " receipt",
        "unitAmount": amount,
        "quantity": 1,
        "taxAmount": tax,
        "taxRateRef": {"id": f"TAX-{tax_rate:02d}", "effectiveTaxRate": tax_rate},
        "accountRef": account,
        "subTotal": amount,
        "totalAmount": round(amount + tax, 2),
    }
    return {
        "id": record_id,
        "dataType": data_type,
        "currency": rng.choice(CURRENCIES),
        "issueDate": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
        "contactRef": {"id": str(rng.randint(100, 199)), "dataType": "suppliers"},
        "lineItems": [line],
        "subTotal": amount,
        "taxAmount": tax,
        "totalAmount": round(amount + tax, 2),
    }
