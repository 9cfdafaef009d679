import json

from syncs.config import REDACTED, config_json, in_codat_order, redact


def test_it_redacts_values_under_secret_looking_keys():
    data = {
        "apiToken": "t",
        "clientSecret": "s",
        "password": "p",
        "apiKey": "k",
        "credentials": "c",
    }
    assert redact(data) == dict.fromkeys(data, REDACTED)


def test_it_matches_secret_key_names_regardless_of_case():
    assert redact({"ACCESS_TOKEN": "t"}) == {"ACCESS_TOKEN": REDACTED}


def test_it_redacts_inside_nested_objects_and_lists():
    data = {"connections": [{"name": "Xero", "auth": {"refreshToken": "r"}}]}
    assert redact(data) == {"connections": [{"name": "Xero", "auth": {"refreshToken": REDACTED}}]}


def test_it_redacts_a_whole_object_under_a_secret_key():
    assert redact({"credentials": {"user": "u", "pass": "p"}}) == {"credentials": REDACTED}


def test_it_keeps_values_under_ordinary_keys():
    data = {"bankAccount": {"id": "89"}, "supplier": {"id": "124"}, "customer": {"id": "140"}}
    assert redact(data) == data


def test_it_does_not_change_the_snapshot_it_redacts():
    data = {"auth": {"token": "t"}}
    redact(data)
    assert data == {"auth": {"token": "t"}}


def test_it_orders_keys_as_codat_documents_its_sections():
    data = {"configuration": {}, "schedule": {}, "enable": True, "companyId": "c"}
    assert list(in_codat_order(data)) == ["companyId", "enable", "schedule", "configuration"]


def test_it_orders_commerce_configuration_sections_sales_payments_fees():
    data = {"configuration": {"fees": {}, "payments": {}, "sales": {}, "countryCode": "GB"}}
    order = list(in_codat_order(data)["configuration"])
    assert order == ["countryCode", "sales", "payments", "fees"]


def test_it_puts_undocumented_keys_last_in_alphabetical_order():
    data = {"zeta": 1, "customer": {}, "alpha": 2, "bankAccount": {}}
    assert list(in_codat_order(data)) == ["bankAccount", "customer", "alpha", "zeta"]


def test_it_pretty_prints_the_redacted_snapshot():
    text = config_json({"bankAccount": {"id": "89"}, "apiKey": "k"})
    assert text == '{\n  "bankAccount": {\n    "id": "89"\n  },\n  "apiKey": "[redacted]"\n}\n'


def test_it_keeps_non_ascii_text_readable():
    assert "Café Rouge" in config_json({"accountingSoftwareCompanyName": "Café Rouge"})


def test_it_produces_json_that_parses_back_to_the_redacted_snapshot():
    data = {"schedule": {"timeZone": "Europe/London"}, "secret": "s"}
    assert json.loads(config_json(data)) == {
        "schedule": {"timeZone": "Europe/London"},
        "secret": REDACTED,
    }
