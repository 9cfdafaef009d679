"""Codat's documented sync error messages, with their cause and resolution.

Message texts are verbatim from Codat's troubleshooting page; `{...}` marks a value the
platform fills in. `entry_for` finds the entry a sync's error message comes from.
"""

import re
from dataclasses import dataclass, field

CODAT_ERROR_DOCS = "https://docs.codat.io/sfc/error-documentation#error-messages"

CONFIGURATION = "Configuration errors"
POST_CONFIGURATION = "Post-configuration errors"
RESOLVED_BY_CODAT = "Errors resolved by Codat"
SECTIONS = (CONFIGURATION, POST_CONFIGURATION, RESOLVED_BY_CODAT)


@dataclass(frozen=True)
class ErrorEntry:
    slug: str
    section: str
    messages: tuple[str, ...]
    cause: str
    resolution: str
    patterns: tuple[re.Pattern, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "patterns", tuple(_pattern(m) for m in self.messages))

    @property
    def anchor(self) -> str:
        return f"error-{self.slug}"

    def matches(self, message: str) -> bool:
        return any(p.match(message) for p in self.patterns)


def _pattern(message: str) -> re.Pattern:
    # Placeholders stand for any value; text after the documented sentence (an id, a
    # "(Archived)" qualifier, a correlation id) does not stop a match.
    parts = re.split(r"\{[^}]*\}", message)
    body = r".+?".join(re.escape(part) for part in parts)
    return re.compile(rf"\s*{body}(?:\s.*)?\s*$", re.IGNORECASE | re.DOTALL)


ERRORS: tuple[ErrorEntry, ...] = (
    ErrorEntry(
        "two-data-connections",
        CONFIGURATION,
        ("Company needs to have two valid data connections.",),
        "The company lacks two valid data connections, or the two connections are not both linked.",
        "Give the company one commerce connection and one accounting connection, both linked, "
        "using the connection API or the no-code link journey (the link URL from the Portal).",
    ),
    ErrorEntry(
        "fees-need-payments",
        CONFIGURATION,
        ("To sync fees: - Payments section needs to exist - Payments account id needs to be set",),
        "Fees can't be used until Payments is configured.",
        "The merchant completes the Payments configuration.",
    ),
    ErrorEntry(
        "prepaid-account-clash",
        CONFIGURATION,
        (
            "Payments config invalid. {prepaid account} should not match "
            "{prepaid payment account}.",
            "Accounts config invalid. Prepaid account in Sales should not match "
            "{CommerceAccountType. PrepaidPayment} in Payments.",
        ),
        "The prepaid account and the payment account are the same.",
        "Reconfigure the prepaid and prepaid-payment accounts.",
    ),
    ErrorEntry(
        "payout-account-clash",
        CONFIGURATION,
        ("Payments config invalid. {Card Acount} should not match {Payout Account}.",),
        "The Payments account is the same as the payout account.",
        "Reconfigure the payments and payouts accounts.",
    ),
    ErrorEntry(
        "no-sales-customer",
        CONFIGURATION,
        ("No sales customer has been configured.",),
        "The sales customer is missing from the configuration.",
        "Configure a sales customer from the options.",
    ),
    ErrorEntry(
        "customer-not-in-options",
        CONFIGURATION,
        ("Selected customer not present in customer options.",),
        "selectedCustomerId doesn't match a customerId in customerOptions (the customer records "
        "fetched from the accounting software).",
        "Choose only from customerOptions.",
    ),
    ErrorEntry(
        "account-not-an-option",
        CONFIGURATION,
        ("Selected Account is not a valid option.",),
        "selectedAccountId for the paymentFees nominal account isn't in accountOptions, or is "
        "invalid.",
        "Choose only from accountOptions.",
    ),
    ErrorEntry(
        "grouping-period",
        CONFIGURATION,
        ("No grouping period selected.", "Grouping period selected not from options."),
        "groupingPeriod.selectedGroupingPeriod is null, or isn't in groupingPeriodOptions. Only "
        "daily is available: all of a day's orders go into one daily invoice.",
        "Set a valid grouping period.",
    ),
    ErrorEntry(
        "invoice-level-grouping",
        CONFIGURATION,
        ("Invalid invoice level grouping selected.",),
        "For location-based grouping, groupingLevels.invoiceLevels.selectedGroupByOptions isn't "
        "in groupByOptions.",
        "Set a valid invoice-level option.",
    ),
    ErrorEntry(
        "invoice-line-level-grouping",
        CONFIGURATION,
        ("Invalid invoice line level grouping selected.",),
        "groupingLevels.invoiceLineLevel.selectedGroupByOptions isn't in groupByOptions.",
        "Set a valid line-level option.",
    ),
    ErrorEntry(
        "payments-with-draft-invoices",
        CONFIGURATION,
        ("Payments cannot be enabled if invoice status is set to draft.",),
        "A draft invoice can't have payments.",
        "Set the invoice status for Payments to Submitted.",
    ),
    ErrorEntry(
        "required-accounts-unselected",
        CONFIGURATION,
        ("Config contains required accounts without selections.",),
        "A required account (e.g. Sales) is not selected.",
        "Don't let the merchant finish configuration without the required accounts.",
    ),
    ErrorEntry(
        "no-sales-account",
        CONFIGURATION,
        ("No Sales Account Present.",),
        "The accounting software has no nominal account categorised as Sales.",
        "Create one, through the API or manually in the accounting software.",
    ),
    ErrorEntry(
        "no-schedule-frequency",
        CONFIGURATION,
        ("No schedule selected frequency.",),
        "No schedule was configured.",
        "Configure the sync schedule.",
    ),
    ErrorEntry(
        "schedule-frequency-not-an-option",
        CONFIGURATION,
        ("Selected schedule frequency not present in options.",),
        "The schedule isn't one of the offered options.",
        "Choose from the scheduler options.",
    ),
    ErrorEntry(
        "no-invoice-status",
        CONFIGURATION,
        ("No selected invoice status.",),
        "No invoice status was selected.",
        "Select Submitted or Draft. Payments can't sync when the status is Draft.",
    ),
    ErrorEntry(
        "invalid-invoice-status",
        CONFIGURATION,
        ("Invalid invoice status selected (must be submitted or draft).",),
        "The value is neither Submitted nor Draft.",
        "Select Submitted or Draft.",
    ),
    ErrorEntry(
        "tax-rate-missing",
        CONFIGURATION,
        ("Tax rate is missing selected tax rate id.",),
        "The tax rate was not set.",
        "Reconfigure the tax rate from the provided options.",
    ),
    ErrorEntry(
        "tax-rate-no-options",
        CONFIGURATION,
        ("Selected tax rate id for {key}% tax-rate has no options.",),
        "The tax rate is unavailable or unsupported.",
        "Reconfigure it from the config API options.",
    ),
    ErrorEntry(
        "fees-supplier",
        CONFIGURATION,
        (
            "No fees supplier has been configured.",
            "Selected supplier not present in supplier options.",
        ),
        "No fees supplier is set, or it isn't among the options.",
        "Select the fees supplier from the options.",
    ),
    ErrorEntry(
        "accounts-not-found",
        POST_CONFIGURATION,
        (
            "The following account(s) were not found (Payment account - Account Id): "
            "{Account - Id}. Please configure your Sync settings to update these accounts.",
        ),
        "A selected nominal account was changed or deleted.",
        "Reconfigure the selected accounts on the config API.",
    ),
    ErrorEntry(
        "account-not-active",
        POST_CONFIGURATION,
        ("Account Id is not in an Active state.",),
        "A selected account has a status other than Active (archived, deleted).",
        "Reconfigure so that only active accounts are selected.",
    ),
    ErrorEntry(
        "customer-not-active",
        POST_CONFIGURATION,
        (
            "Customer is not in an Active state.",
            "Customer {customerId} is not in an Active state.",
        ),
        "The salesCustomer isn't Active.",
        "Reconfigure salesCustomer and make sure selectedCustomerId is active.",
    ),
    ErrorEntry(
        "customer-does-not-exist",
        POST_CONFIGURATION,
        ("Customer {customerId} does not exist.",),
        "The salesCustomer was changed or deleted.",
        "Reconfigure the sales customer.",
    ),
    ErrorEntry(
        "supplier-does-not-exist",
        POST_CONFIGURATION,
        ("Supplier does not exist.",),
        "The supplier was changed or deleted.",
        "Reconfigure the supplier.",
    ),
    ErrorEntry(
        "supplier-not-active",
        POST_CONFIGURATION,
        ("Supplier is not in an Active state.",),
        "The supplier is inactive.",
        "Reconfigure the supplier.",
    ),
    ErrorEntry(
        "tax-rate-invalid",
        POST_CONFIGURATION,
        (
            "Tax Rate {taxRateId} does not exist.",
            "The following Tax Rates are invalid: {Tax rate}.",
        ),
        "The tax rate was changed or deleted.",
        "Reconfigure the tax rate.",
    ),
    ErrorEntry(
        "company-not-found",
        RESOLVED_BY_CODAT,
        ("No company was found with ID.",),
        "The company record doesn't exist; it may have been deleted.",
        "Contact your Codat representative.",
    ),
    ErrorEntry(
        "date-range-overlap",
        RESOLVED_BY_CODAT,
        ("Date overlaps with a previous sync date range.",),
        "A scheduled daily sync overlaps or conflicts with a manually triggered sync.",
        "Contact your Codat representative.",
    ),
)


def entry_for(message: str | None) -> ErrorEntry | None:
    """The documented entry `message` comes from, or None for an undocumented message."""
    if not message:
        return None
    return next((entry for entry in ERRORS if entry.matches(message)), None)
