"""The fixed ingredients of the demo data: companies, platforms, status mix, messages."""

from syncs import status as codes
from syncs.models import Product

COMPANY_NAMES = (
    "Acme Garden Supplies", "Bluebell Bakery", "Brightside Bikes", "Cedar & Sage Interiors",
    "Cobalt Coffee Roasters", "Copperleaf Florists", "Driftwood Surf Co", "Ember Candle Works",
    "Fable Bookshop", "Fernhill Pet Care", "Foxglove Apothecary", "Gilded Goose Deli",
    "Granite Peak Outfitters", "Harbour Lights Chandlery", "Hazel & Oak Furniture",
    "Highland Honey", "Indigo Print Studio", "Ironbridge Tools", "Juniper Yoga",
    "Kestrel Camera Exchange", "Lantern Toy Shop", "Larkspur Wedding Hire", "Little Owl Nursery",
    "Maple Street Music", "Marigold Catering", "Meadowlark Dairy", "Moorland Wool Co",
    "Nettle & Thistle Herbs", "Northwind Kites", "Oakridge Veterinary", "Orchard Cider House",
    "Pebble Beach Ceramics", "Pinecone Outdoor Gear", "Quarry Hill Stoneworks", "Quill Stationers",
    "Redwood Barbers", "Riverside Rowing Club", "Saffron Spice Traders", "Seaglass Jewellery",
    "Silverbirch Tea Rooms", "Skylark Drone Services", "Sorrel Vegan Kitchen",
    "Tidewater Fishmongers", "Timberline Carpentry", "Umber Leather Goods", "Velvet Moth Vintage",
    "Wayfarer Travel Desk", "Willow Creek Pottery", "Wren & Robin Clothing", "Yarrow Wellness",
    "Zephyr Electric Bikes", "Zinnia Flower Farm",
)  # fmt: skip

# A quarter of the companies use both products.
BOTH_PRODUCTS_EVERY = 4

# Source platform names follow Codat's `platformName` examples ("Partner Expense",
# "Partner Commerce"); destinations are accounting platforms Codat integrates with.
SOURCES = {
    Product.EXPENSES: ("Partner Expense",),
    Product.COMMERCE: ("Partner Commerce", "Shopify", "Square", "Zettle", "Stripe"),
}
DESTINATIONS = {
    Product.EXPENSES: (
        "QuickBooks Online Sandbox", "QuickBooks Online", "Xero", "NetSuite", "FreeAgent",
    ),
    Product.COMMERCE: ("Xero", "QuickBooks Online", "Sage Business Cloud Accounting", "NetSuite"),
}  # fmt: skip

# Mostly successes, a few still running, a steady trickle of each documented failure.
# 4200 is the undocumented code from Codat's own API example, so it appears rarely too.
STATUS_WEIGHTS = {
    codes.SUCCESS_DATA_PUSHED: 560,
    codes.SUCCESS_NO_DATA_PUSHED: 250,
    codes.IN_PROGRESS: 10,
    codes.LONG_RUNNING: 5,
    codes.CONFIGURATION_ERROR: 40,
    codes.COMPANY_DELETED: 8,
    codes.COMPANY_DEAUTHORIZED: 12,
    codes.BILLING_EXPIRY: 8,
    codes.GENERIC_SERVER_ERROR: 20,
    codes.DUPLICATION_PROTECTION: 10,
    codes.DATA_PROCESSING_ERROR: 17,
    codes.DATA_PUSH_ERROR: 58,
    4200: 2,
}

STATUS_TEXTS = {
    codes.IN_PROGRESS: "Started",
    codes.LONG_RUNNING: "Pushing",
    codes.SUCCESS_DATA_PUSHED: "Complete",
    codes.SUCCESS_NO_DATA_PUSHED: "Complete",
    codes.CONFIGURATION_ERROR: "ValidateError",
    codes.COMPANY_DELETED: "NotStarted",
    codes.COMPANY_DEAUTHORIZED: "NotStarted",
    codes.BILLING_EXPIRY: "NotStarted",
    codes.DATA_PUSH_ERROR: "PushError",
    4200: "MapCoreError",
}

CONFIGURATION_ERRORS = (
    "Company needs to have two valid data connections.",
    "No sales customer has been configured.",
    "Selected customer not present in customer options.",
    "No grouping period selected.",
    "Payments cannot be enabled if invoice status is set to draft.",
    "Config contains required accounts without selections.",
    "No Sales Account Present.",
    "No selected invoice status.",
    "Tax rate is missing selected tax rate id.",
    "Selected tax rate id for 20% tax-rate has no options.",
    "No fees supplier has been configured.",
    "Account Id is not in an Active state.",
    "Supplier is not in an Active state.",
    "The following account(s) were not found (Payment account - Account Id): 4410. "
    "Please configure your Sync settings to update these accounts.",
    "Customer 3b9bf2ed-a618-4af2-80f2-f2b57fddc748 is not in an Active state. (Archived)",
    "Tax Rate TAX-017 does not exist.",
)
STATUS_ERRORS = {
    codes.COMPANY_DELETED: ("No company was found with ID.",),
    codes.COMPANY_DEAUTHORIZED: ("Company needs to have two valid data connections.",),
    codes.DUPLICATION_PROTECTION: ("Date overlaps with a previous sync date range.",),
    codes.DATA_PROCESSING_ERROR: (
        "The line item total -208.10((-195.01 + -1.09) + (-10.01 + -1.99)) must equal the "
        "transaction total -1.1",
    ),
    4200: (
        "Cannot match the tax id '23vwUg7OhGIZvEUHdee7fw' to a mapped account on the "
        "accounting software for journal entry.",
    ),
}
EXCEPTIONS = {
    codes.GENERIC_SERVER_ERROR: (
        "System.TimeoutException: The operation has timed out after 00:02:00 "
        "waiting for the mapping service.",
        "System.NullReferenceException: Object reference not set to an instance of an object. "
        "at Sync.Pipeline.MapStage.Run()",
    ),
    codes.DATA_PROCESSING_ERROR: (
        "Sync.Mapping.MappingException: Transaction total does not reconcile with line items.",
    ),
    4200: ("Sync.Mapping.MapCoreException: No account mapped for tax rate.",),
}

RECONCILE_NOTE = "Please reconcile manually"

DATA_TYPES = {
    Product.EXPENSES: ("directCosts", "directIncomes", "transfers", "bankTransactions", "bills"),
    Product.COMMERCE: ("invoices", "creditNotes", "payments", "journalEntries", "customers"),
}

# Validation failures the Portal and Codat's docs show, by data type; the payloads the demo
# builds for such items really break the rule.
VALIDATION_FAILURES = {
    "directCosts": (
        ("LineItems[0].TaxAmount", "Failed to push to DirectCost as LineItems[0].TaxAmount must "
         "be 0 when used with a Tax Rate with an effective rate of 0.", "DirectCost", "zero_tax"),
        ("LineItems[0].AccountRef", "Failed to push to DirectCost as LineItems[0].AccountRef must "
         "not have account type 'Accounts Payable' or 'Accounts Receivable'", "DirectCost",
         "ap_account"),
    ),
    "directIncomes": (
        ("LineItems[0].TaxAmount", "Failed to push to DirectIncome as LineItems[0].TaxAmount "
         "must be 0 when used with a Tax Rate with an effective rate of 0.", "DirectIncome",
         "zero_tax"),
    ),
    "bankTransactions": (
        ("AccountId", "Feed Connection failed(409): The AccountToken, AccountId or AccountNumber "
         "is already connected to another Xero Bank Account in the selected Xero Organization.",
         "BankTransactions", "feed_conflict"),
    ),
    "journalEntries": (
        ("JournalLines[1].TaxRateRef", "Cannot match the tax id '23vwUg7OhGIZvEUHdee7fw' to a "
         "mapped account on the accounting software for journal entry.", "JournalEntry",
         "unmapped_tax"),
    ),
    "invoices": (
        ("CustomerRef", "Customer 3b9bf2ed-a618-4af2-80f2-f2b57fddc748 is not in an Active "
         "state. (Archived)", "Invoice", "archived_customer"),
    ),
}  # fmt: skip

# Failures a later attempt can get past: the platform was busy or slow.
TRANSIENT_FAILURES = (
    (503, "The accounting platform is temporarily unavailable (503 Service Unavailable)."),
    (429, "Too many requests to the accounting platform (429); rate limit exceeded."),
)
TIMED_OUT_MESSAGE = (
    "The push did not complete within its timeout; the record may not have been written."
)
