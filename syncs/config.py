"""A sync's configuration snapshot as staff see and download it: secrets redacted, keys in
the order Codat documents its sections, pretty-printed the same way for the page and the file.
"""

import json
import re
from typing import Any

REDACTED = "[redacted]"
SECRET_NAME = re.compile(r"token|secret|password|key|credential", re.IGNORECASE)

# Codat's `Configuration` (Sync for Commerce) and `CompanyConfiguration` (Sync for Expenses)
# property names in the order the docs list them. PostgreSQL's jsonb does not keep the order
# a document was written in, so the order comes from here; unknown keys follow, sorted.
CODAT_KEY_ORDER = (
    # Sync for Expenses
    "bankAccount",
    "supplier",
    "customer",
    # Sync for Commerce, top level and schedule
    "companyId",
    "accountingSoftwareCompanyName",
    "enable",
    "configured",
    "schedule",
    "selectedFrequency",
    "frequencyOptions",
    "startDate",
    "syncHour",
    "syncHourUtc",
    "timeZone",
    "configuration",
    "countryCode",
    "mapSettings",
    "outputFormat",
    # the sections of `configuration`
    "sales",
    "payments",
    "newPayments",
    "fees",
    "syncSales",
    "syncPayments",
    "syncFees",
    "feesSupplier",
    "selectedSupplierId",
    "supplierOptions",
    "accounts",
    "invoiceStatus",
    "selectedInvoiceStatus",
    "invoiceStatusOptions",
    "salesCustomer",
    "selectedCustomerId",
    "customerOptions",
    "taxRates",
    "selectedTaxRateId",
    "taxRateOptions",
    "newTaxRates",
    "accountingTaxRateOptions",
    "commerceTaxRateOptions",
    "taxRateMappings",
    "selectedCommerceTaxRateIds",
    "selectedAccountingTaxRateId",
    "selectedDefaultZeroTaxRateId",
    "defaultZeroTaxRateOptions",
    "grouping",
    "groupingPeriod",
    "selectedGroupingPeriod",
    "groupingPeriodOptions",
    "groupingLevels",
    "invoiceLevel",
    "invoiceLineLevel",
    "selectedGroupByOptions",
    "groupByOptions",
    # account types, Sales then Payments then Fees
    "gratuity",
    "refund",
    "cash",
    "card",
    "invoice",
    "onlineCard",
    "swish",
    "vipps",
    "mobile",
    "storeCredit",
    "paypal",
    "custom",
    "loan",
    "cashback",
    "prePaid",
    "paymentFee",
    "paymentFeeRefund",
    "loanFee",
    # `AccountConfiguration` and its options
    "labelText",
    "descriptionText",
    "selectedAccountId",
    "required",
    "accountOptions",
    "id",
    "name",
    "nominalCode",
    "classification",
)
_RANK = {name: rank for rank, name in enumerate(CODAT_KEY_ORDER)}


def redact(value: Any) -> Any:
    """A copy of `value` in which every value under a secret-looking key is replaced."""
    if isinstance(value, dict):
        return {
            key: REDACTED if SECRET_NAME.search(str(key)) else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [redact(item) for item in value]
    return value


def in_codat_order(value: Any) -> Any:
    """A copy of `value` whose objects list their keys in Codat's documented order."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda key: (_RANK.get(key, len(_RANK)), str(key)))
        return {key: in_codat_order(value[key]) for key in keys}
    if isinstance(value, list):
        return [in_codat_order(item) for item in value]
    return value


def config_json(data: Any) -> str:
    """The snapshot as shown on the Config tab and downloaded, byte for byte."""
    return json.dumps(in_codat_order(redact(data)), indent=2, ensure_ascii=False) + "\n"
