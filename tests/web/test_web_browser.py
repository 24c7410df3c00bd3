"""The web app end to end: Debian's Chromium (Playwright) against a real `nexatron serve`.

Every flow of issue 13 for admin, analyst and viewer. Each test's page also fails the test on a
script error, a CSP refusal or an alert() dialog (see conftest.Watched)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from .web_support import Server, ask, login

expect: Any = pytest.importorskip("playwright.sync_api").expect
CONTRACT = "What were total sales last quarter?"
PAYLOAD = "<img src=x onerror=alert(1)>"
DASH = "\u2013"  # the en dash between the row numbers of "Rows 1-20 of 56"
MARKS = ".chart[data-chart=drawn] svg g[class*='mark-'] path"


def conversation_of(page: Any) -> str:
    match = re.search(r"[?&]c=(conv_[A-Za-z0-9]+)", page.url)
    assert match, page.url
    return match.group(1)


def test_contract_question_table_chart_follow_up_and_csv(open_as: Any, server: Server) -> None:
    page = open_as("admin").page
    with server.client() as c:
        api = c.post("/query", json={"question": CONTRACT}).json()
    card = ask(page, CONTRACT)
    expect(card.locator(".summary")).to_have_text(api["summary"])
    # The single value, formatted per the metric's format (currency, 2 decimals).
    cell = card.locator("table.data tbody td").first.inner_text()
    assert cell.startswith("$") and cell in api["summary"]
    expect(card.locator("table.data th")).to_contain_text(["Total sales"])
    card.get_by_text("How I read this").click()
    expect(card.locator(".mapped")).to_contain_text("total sales")
    expect(card.locator(".explain")).to_contain_text(api["plan"]["time_range"])
    expect(card.locator("pre.sql")).to_have_text(api["sql"])
    with page.expect_download() as download:
        card.get_by_role("button", name="Download CSV").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0] == "total_sales" and float(lines[1]) == api["data"][0]["total_sales"]

    conversation = conversation_of(page)
    follow = ask(page, "by month")
    expect(follow.locator(".summary")).to_contain_text("Total sales")
    assert conversation_of(page) == conversation  # the follow-up stayed in the conversation
    follow.locator(MARKS).first.wait_for()
    assert follow.locator(MARKS).count() >= 1  # a drawn line: the chart's marks are in the SVG
    follow.get_by_text("How I read this").click()
    expect(follow.locator(".explain")).to_contain_text("follow-up")
    rows = follow.locator("table.data tbody tr")
    assert rows.count() == 3  # the quarter's three months
    # Sorting by a column reorders the rows (largest first on the second click).
    header = follow.get_by_role("button", name=re.compile("Total sales"))
    header.click()
    header.click()
    values = [
        float(re.sub(r"[^0-9.]", "", t)) for t in follow.locator("tbody td.num").all_inner_texts()
    ]
    assert values == sorted(values, reverse=True)
    side = page.locator(".conv[aria-current=true]")
    expect(side).to_contain_text(CONTRACT)
    expect(side).to_contain_text("2 questions")


def test_a_long_answer_pages_twenty_rows_at_a_time(open_as: Any, server: Server) -> None:
    with server.client() as c:
        api = c.post("/query", json={"question": "sales by product"}).json()["data"]
    total, pages = len(api), -(-len(api) // 20)
    assert pages >= 3, total
    page = open_as("analyst").page
    card = ask(page, "sales by product")
    rows = card.locator("table.data tbody tr")
    status, pager = card.locator(".table-status"), card.locator(".pager")
    expect(rows).to_have_count(20)
    expect(status).to_have_text(f"Rows 1{DASH}20 of {total}")
    expect(pager).to_contain_text(f"Page 1 of {pages}")
    expect(pager.get_by_role("button", name="← Previous")).to_be_disabled()
    pager.get_by_role("button", name="Next →").click()
    expect(status).to_have_text(f"Rows 21{DASH}40 of {total}")
    expect(pager).to_contain_text(f"Page 2 of {pages}")
    expect(rows).to_have_count(20)
    expect(rows.first).to_contain_text(str(next(iter(api[20].values()))))  # the 21st row
    for _ in range(pages - 2):
        pager.get_by_role("button", name="Next →").click()
    last = total - 20 * (pages - 1)
    expect(rows).to_have_count(last)
    expect(status).to_have_text(f"Rows {total - last + 1}{DASH}{total} of {total}")
    expect(pager.get_by_role("button", name="Next →")).to_be_disabled()
    pager.get_by_role("button", name="← Previous").click()
    expect(pager).to_contain_text(f"Page {pages - 1} of {pages}")


def test_clarification_choices_are_clickable(open_as: Any, server: Server) -> None:
    page = open_as("analyst").page
    card = ask(page, "sales for tent")
    expect(card).to_have_attribute("data-state", "clarification")
    choice = card.get_by_role("button", name="Trail Tent (Product)")
    expect(card.locator(".choice")).to_have_count(2)
    choice.click()
    answer = page.locator(".turn").nth(1)
    expect(answer.locator(".question-bubble")).to_have_text("sales for Trail Tent")
    expect(answer.locator(".answer")).to_have_attribute("data-state", "answered")
    with server.client() as c:
        api = c.post("/query", json={"question": "sales for Trail Tent"}).json()
    expect(answer.locator(".summary")).to_have_text(api["summary"])


def test_cancel_stops_the_statement(open_as: Any, server: Server, lab_files: Any) -> None:
    with server.client() as c:
        conn = c.post(
            "/connections",
            json={"name": "Slow lab", "type": "duckdb", "config": {"path": str(lab_files["slow"])}},
        ).json()
        for name, table in (("slow_total", "slow"), ("fast_total", "fast")):
            r = c.post(
                "/semantic/metrics",
                json={
                    "connection_id": conn["id"],
                    "name": name,
                    "table": table,
                    "agg": "sum",
                    "expr": "v",
                },
            )
            assert r.status_code == 201, r.text
    page = open_as("admin").page
    page.get_by_label("Connection").select_option(label="Slow lab")
    page.locator("#question").fill("slow total")
    page.locator("#question").press("Enter")
    running = page.locator(".stage[data-state=active]", has_text="Running the query")
    running.wait_for()
    page.wait_for_timeout(300)  # the statement is under way in the database
    page.get_by_role("button", name="Cancel").click()
    card = page.locator(".answer").first
    expect(card).to_have_attribute("data-state", "cancelled")
    expect(card).to_contain_text("The database statement was stopped")
    # The tenant has one query slot; it is given back only once the statement has stopped. A
    # statement left running would hold it and this question would wait, then be refused.
    answer = ask(page, "fast total", timeout_ms=15_000)
    expect(answer).to_have_attribute("data-state", "answered")
    expect(answer.locator(".summary")).to_have_text("fast_total was 9.")


def test_create_duckdb_connection_test_schema_and_bootstrap(
    open_as: Any, server: Server, lab_files: Any
) -> None:
    page = open_as("admin").page
    page.get_by_role("link", name="Connections").click()
    page.get_by_role("button", name="+ Add connection").click()
    page.get_by_label("Database type").select_option("duckdb")
    page.get_by_label("Name").fill("Lab shop")
    page.get_by_label("Path").fill(str(lab_files["lab"]))
    page.get_by_role("button", name="Create connection").click()
    expect(page.locator(".banner.ok")).to_contain_text("Created “Lab shop”")
    item = page.locator("li.card", has_text="Lab shop")
    item.get_by_role("button", name="Test").click()
    expect(item.locator(".banner.ok")).to_contain_text("Connected.")
    expect(item.locator(".banner.ok")).to_contain_text("DuckDB")
    item.get_by_role("button", name="Browse schema").click()
    expect(item.locator(".schema-table")).to_have_count(2)
    item.locator(".schema-table summary", has_text="visits").click()
    expect(item.locator(".schema-table", has_text="visits")).to_contain_text("→ stores.id")

    page.get_by_role("link", name="Semantic layer").click()
    page.get_by_label("Connection").select_option(label="Lab shop")
    page.get_by_role("tab", name="Bootstrap").click()
    page.get_by_role("button", name="Preview").click()
    expect(page.locator(".banner.info")).to_contain_text("Bootstrap would add")
    expect(page.locator(".diff")).to_contain_text("visits")
    with server.client() as c:
        conn_id = next(
            x["id"] for x in c.get("/connections").json()["data"] if x["name"] == "Lab shop"
        )
        assert c.get(f"/semantic/metrics?connection_id={conn_id}").json()["data"] == []
        page.get_by_role("button", name="Apply these additions").click()
        expect(page.locator(".banner.ok")).to_contain_text("Applied")
        metrics = c.get(f"/semantic/metrics?connection_id={conn_id}").json()["data"]
        relationships = c.get(f"/semantic/relationships?connection_id={conn_id}").json()["data"]
    assert metrics and relationships


def test_a_bad_metric_edit_shows_the_422_next_to_its_fields(open_as: Any, server: Server) -> None:
    page = open_as("admin").page
    page.get_by_role("link", name="Semantic layer").click()
    page.get_by_role("button", name=re.compile("^Average discount")).click()
    form = page.locator("form.object-form")
    form.get_by_label("Expression").fill("no_such_column")
    form.get_by_role("button", name="Save changes").click()
    error = form.locator("[data-field=expr] .field-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("no_such_column")
    expect(form.get_by_label("Expression")).to_have_attribute("aria-invalid", "true")
    form.get_by_label("Name", exact=True).fill("1 bad name")
    form.get_by_label("Expression").fill("discount")
    form.get_by_role("button", name="Save changes").click()
    expect(form.locator("[data-field=name] .field-error")).to_contain_text("pattern")
    with server.client() as c:
        metric = next(
            m for m in c.get("/semantic/metrics").json()["data"] if m["name"] == "average_discount"
        )
    assert metric["expr"] == "discount"  # nothing was saved


def test_yaml_import_shows_the_dry_run_diff_first(open_as: Any, server: Server) -> None:
    page = open_as("admin").page
    page.get_by_role("link", name="Semantic layer").click()
    page.get_by_role("tab", name="YAML").click()
    area = page.get_by_label("Layer YAML")
    expect(area).to_have_value(re.compile("total_sales"))
    area.fill(area.input_value().replace("label: Number of orders", "label: Orders placed"))
    page.get_by_role("button", name="Preview import (dry run)").click()
    expect(page.locator(".banner.info")).to_contain_text("Dry run: 1 changes")
    expect(page.locator(".diff .changed")).to_contain_text("Changed (1)")
    expect(page.locator(".diff")).to_contain_text("order_count")
    expect(page.get_by_role("button", name="Apply import")).to_be_enabled()
    with server.client() as c:
        labels = {m["name"]: m["label"] for m in c.get("/semantic/metrics").json()["data"]}
    assert labels["order_count"] == "Number of orders"  # a dry run changes nothing


def test_a_list_that_loads_after_its_tab_was_left_draws_nothing(
    open_as: Any, server: Server
) -> None:
    """The metrics list answers after the user opened the YAML tab: no error, YAML stays."""
    watched = open_as("admin")
    page = watched.page
    held: list[Any] = []
    page.route("**/api/v1/semantic/metrics?*", lambda route: held.append(route))  # hold it
    page.get_by_role("link", name="Semantic layer").click()
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the metrics list was never asked for"
    page.get_by_role("tab", name="YAML").click()
    expect(page.get_by_label("Layer YAML")).to_have_value(re.compile("total_sales"))
    for route in held:
        route.continue_()
    page.wait_for_timeout(300)
    expect(page.get_by_label("Layer YAML")).to_be_visible()
    assert watched.problems == []


def test_yaml_download_then_apply_an_edit(open_as: Any, server: Server) -> None:
    page = open_as("admin").page
    page.get_by_role("link", name="Semantic layer").click()
    page.get_by_role("tab", name="YAML").click()
    area = page.get_by_label("Layer YAML")
    expect(area).to_have_value(re.compile("total_sales"))
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
    assert download.value.suggested_filename == "semantic-layer.yaml"
    layer = yaml.safe_load(Path(download.value.path()).read_text())
    total_sales = next(m for m in layer["metrics"] if m["name"] == "total_sales")
    assert total_sales["agg"] == "sum" and total_sales["label"] == "Total sales"
    edited = area.input_value().replace("label: Average unit price", "label: Mean unit price")
    area.fill(edited)
    try:
        page.get_by_role("button", name="Preview import (dry run)").click()
        expect(page.locator(".banner.info")).to_contain_text("Dry run: 1 changes")
        page.get_by_role("button", name="Apply import").click()
        page.get_by_role("dialog").get_by_role("button", name="Apply").click()
        expect(page.locator(".banner.ok")).to_contain_text("Imported")
        expect(page.locator(".diff")).to_contain_text("average_unit_price")
        expect(page.get_by_role("button", name="Apply import")).to_be_disabled()
        with server.client() as c:
            metrics = {m["name"]: m for m in c.get("/semantic/metrics").json()["data"]}
        assert metrics["average_unit_price"]["label"] == "Mean unit price"
        assert metrics["total_sales"]["label"] == "Total sales"  # the rest as it was
    finally:
        with server.client() as c:
            metric = next(
                m
                for m in c.get("/semantic/metrics").json()["data"]
                if m["name"] == "average_unit_price"
            )
            c.patch(f"/semantic/metrics/{metric['id']}", json={"label": "Average unit price"})


def test_teaching_a_word_then_getting_the_answer(open_as: Any, server: Server) -> None:
    page = open_as("admin").page
    card = ask(page, "takings by region")
    expect(card).to_have_attribute("data-state", "refusal")
    expect(card.locator("mark.word")).to_have_text(["takings"])
    expect(card.locator(".chips").first).to_contain_text("Total sales")
    teach = card.locator("form.teach")
    teach.get_by_label("What “takings” means").select_option(label="Total sales")
    teach.get_by_role("button", name="Add synonym and ask again").click()
    answer = page.locator(".turn").nth(1)
    expect(answer.locator(".answer")).to_have_attribute("data-state", "answered")
    with server.client() as c:
        api = c.post("/query", json={"question": "takings by region"}).json()
        synonyms = next(
            m["synonyms"]
            for m in c.get("/semantic/metrics").json()["data"]
            if m["name"] == "total_sales"
        )
    assert "takings" in synonyms
    expect(answer.locator(".summary")).to_have_text(api["summary"])
    expect(answer.locator("table.data tbody tr")).to_have_count(4)


def test_teaching_a_word_for_a_value_then_getting_the_answer(open_as: Any, server: Server) -> None:
    page = open_as("admin").page
    card = ask(page, "total sales for bigcorp by region")
    expect(card).to_have_attribute("data-state", "refusal")
    expect(card.locator("mark.word")).to_have_text(["bigcorp"])
    teach = card.locator("form.teach")
    teach.get_by_label("What “bigcorp” means").select_option(label="a value of Customer segment")
    teach.get_by_label("Which Customer segment? (as it is stored)").fill("Enterprise")
    teach.get_by_role("button", name="Add synonym and ask again").click()
    answer = page.locator(".turn").nth(1)
    expect(answer.locator(".answer")).to_have_attribute("data-state", "answered")
    with server.client() as c:
        taught = next(
            d["value_synonyms"]
            for d in c.get("/semantic/dimensions").json()["data"]
            if d["name"] == "segment"
        )
        api = c.post("/query", json={"question": "total sales for bigcorp by region"}).json()
        plain = c.post("/query", json={"question": "total sales for Enterprise by region"}).json()
    assert taught == {"Enterprise": ["bigcorp"]}
    assert api["data"] == plain["data"]
    expect(answer.locator(".summary")).to_have_text(api["summary"])


def test_api_key_create_use_revoke(open_as: Any, server: Server) -> None:
    page = open_as("analyst").page
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="API keys").click()
    expect(page.get_by_label("Role")).to_have_text(re.compile("viewer\\s*analyst"))
    assert page.get_by_label("Role").locator("option").all_inner_texts() == ["viewer", "analyst"]
    page.get_by_label("Name").fill("web test key")
    page.get_by_role("button", name="Create key").click()
    key = page.locator(".plaintext-key").inner_text()
    assert key.startswith("nxa_")
    expect(page.locator(".new-key")).to_contain_text("shown only once")
    row = page.locator("tr", has_text="web test key")
    expect(row).to_contain_text(key[:10])
    with server.client(key) as c:
        ok = c.post("/query", json={"question": CONTRACT})
        assert ok.status_code == 200 and ok.json()["summary"]
    page.reload()
    last_used = page.locator("tr", has_text="web test key").locator("td").nth(4)
    expect(last_used).not_to_have_text("never")  # the list shows the key was used
    page.locator("tr", has_text="web test key").get_by_role(
        "button", name=re.compile("Revoke")
    ).click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke").click()
    expect(page.locator(".banner.ok")).to_contain_text("Key revoked")
    expect(page.locator("tr", has_text="web test key")).to_contain_text("revoked")
    with server.client(key) as c:
        assert c.post("/query", json={"question": CONTRACT}).status_code == 401


def test_admin_changes_a_role_and_disables_a_user(open_as: Any, server: Server) -> None:
    with server.client() as c:
        user = c.post(
            "/users",
            json={"email": "mover@web.test", "password": "mover-password-1", "role": "viewer"},
        ).json()
    page = open_as("admin").page
    page.goto(server.base + "/settings/users")
    page.get_by_label("Role of mover@web.test").select_option("analyst")
    expect(page.locator(".banner.ok")).to_contain_text("mover@web.test is now analyst")
    row = page.locator("tr", has_text="mover@web.test")
    row.get_by_role("button", name="Disable").click()
    page.get_by_role("dialog").get_by_role("button", name="Disable").click()
    expect(page.locator("tr", has_text="mover@web.test")).to_contain_text("disabled")
    with server.client() as c:
        after = c.get(f"/users/{user['id']}").json()
    assert after["role"] == "analyst" and after["disabled"] is True


def test_admin_adds_a_user_from_the_users_page(open_as: Any, server: Server) -> None:
    page = open_as("admin").page
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("button", name="Users").click()
    form = page.locator("form", has=page.get_by_role("heading", name="Add a user"))
    form.get_by_label("Email").fill("newcomer@web.test")
    form.get_by_label("Name (optional)").fill("New Comer")
    form.get_by_label("Password").fill("newcomer-password-1")
    form.get_by_label("Role").select_option("analyst")
    form.get_by_role("button", name="Add user").click()
    expect(page.locator(".banner.ok")).to_contain_text("Added newcomer@web.test as analyst")
    expect(page.locator("tr", has_text="newcomer@web.test")).to_contain_text("New Comer")
    expect(page.get_by_label("Role of newcomer@web.test")).to_have_value("analyst")
    expect(form.get_by_label("Email")).to_have_value("")  # the form is ready for the next one
    with server.client() as c:
        listed = {u["email"]: u for u in c.get("/users").json()["data"]}
        signed_in = c.post(
            "/auth/login", json={"email": "newcomer@web.test", "password": "newcomer-password-1"}
        )
    added = listed["newcomer@web.test"]
    assert (added["name"], added["role"], added["disabled"]) == ("New Comer", "analyst", False)
    assert signed_in.status_code == 200
    # The same email again is refused, in words.
    form.get_by_label("Email").fill("newcomer@web.test")
    form.get_by_label("Password").fill("another-password-1")
    form.get_by_role("button", name="Add user").click()
    expect(page.locator(".banner.error")).to_contain_text("A user with that email already exists")


def test_history_open_rerun_delete(open_as: Any, server: Server) -> None:
    page = open_as("analyst").page
    ask(page, "orders by channel")
    page.get_by_role("link", name="History").click()
    row = page.locator("tr", has_text="orders by channel").first
    expect(row).to_be_visible()
    row.get_by_role("button", name="Re-run: orders by channel").click()
    expect(page.locator(".answer").last).to_have_attribute("data-state", "answered")
    page.get_by_role("link", name="History").click()
    page.locator("tr", has_text="orders by channel").first.get_by_role("link").click()
    expect(page.locator(".question-bubble").first).to_have_text("orders by channel")
    page.get_by_role("link", name="History").click()
    expect(page.locator("tr", has_text="orders by channel")).to_have_count(2)
    page.locator("tr", has_text="orders by channel").first.get_by_role(
        "button", name=re.compile("^Delete")
    ).click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.locator(".banner.ok")).to_contain_text("Deleted")
    expect(page.locator("tr", has_text="orders by channel")).to_have_count(1)


# What each role may open in Settings (identity/roles.py: keys:own, users:manage, tenant:admin).
SETTINGS_TABS = {"analyst": ["Account", "API keys"], "viewer": ["Account"]}
ADMIN_ONLY = [
    "/settings/users",
    "/settings/llm",
    "/settings/audit",
    "/settings/usage",
    "/settings/sso",
    "/semantic?tab=bootstrap",
]


@pytest.mark.parametrize("role", ["analyst", "viewer"])
def test_roles_see_no_admin_pages_or_controls(open_as: Any, server: Server, role: str) -> None:
    page = open_as(role).page
    errors: list[str] = []  # a refused API call logs "Failed to load resource: ... 403"
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    nav = page.get_by_role("navigation", name="Main").get_by_role("link")
    expect(nav).to_have_text(["Ask", "History", "Connections", "Semantic layer", "Settings"])
    card = ask(page, "flurbs by region")
    expect(card).to_have_attribute("data-state", "refusal")
    expect(card.locator("form.teach")).to_have_count(0)  # teaching edits the layer: admins only
    ask(page, CONTRACT)
    page.get_by_role("link", name="Connections").click()
    demo = page.locator("li.card", has_text="Demo sales")
    expect(demo).to_be_visible()
    for name in ("+ Add connection", "Upload a file", "Edit", "Delete"):
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    # A test opens a network connection from the server: analysts may, viewers may not.
    expect(demo.get_by_role("button", name="Test")).to_have_count(1 if role == "analyst" else 0)
    page.get_by_role("link", name="Semantic layer").click()
    expect(page.locator(".banner.info")).to_contain_text("Read only")
    expect(page.get_by_role("tab")).to_have_text(["Metrics", "Dimensions", "Relationships", "YAML"])
    for name in ("Save changes", "Delete", re.compile(r"^\+ New")):
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    page.get_by_role("tab", name="YAML").click()
    expect(page.get_by_label("Layer YAML")).to_have_value(re.compile("total_sales"))
    expect(page.get_by_role("button", name=re.compile("Preview import|Apply"))).to_have_count(0)
    page.get_by_role("link", name="Settings").click()
    expect(page.locator("nav.tabs button")).to_have_text(SETTINGS_TABS[role])
    # An admin-only page opened by its address says so, and asks the server for nothing.
    refused = ADMIN_ONLY + (["/settings/keys"] if role == "viewer" else [])
    for path in refused:
        page.goto(server.base + path)
        message = page.locator(".not-allowed")
        expect(message).to_contain_text("Not allowed")
        expect(message).to_contain_text(f"Your role ({role}) cannot open it")
    assert errors == []
    # The server refuses regardless of what the page shows.
    with server.client() as admin:
        email, password = server.users[role]
        token = admin.post("/auth/login", json={"email": email, "password": password}).json()
    with server.client(token["access_token"]) as user:
        assert user.get("/users").status_code == 403
        assert user.get("/audit-log").status_code == 403
        bootstrap = {"connection_id": server.demo_connection}
        assert user.post("/semantic/bootstrap", json=bootstrap).status_code == 403


def test_session_cookie_silent_refresh_and_expiry(open_as: Any, server: Server) -> None:
    with server.client() as c:
        user = c.post(
            "/users",
            json={"email": "leaver@web.test", "password": "leaver-password-1", "role": "analyst"},
        ).json()
    w = open_as(credentials=("leaver@web.test", "leaver-password-1"))
    page = w.page
    cookies = {c["name"]: c for c in page.context.cookies()}
    refresh = cookies["nexatron_refresh"]
    assert refresh["httpOnly"] and refresh["sameSite"] == "Strict"
    assert refresh["path"] == "/api/v1/auth"
    assert page.evaluate("document.cookie") == ""
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    page.reload()  # the access token was only in memory: the cookie signs the page back in
    page.wait_for_selector("#question")
    expect(page.locator(".user")).to_contain_text("analyst")
    # Sign out: the session is revoked and the cookie cleared; a reload stays signed out.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    assert "nexatron_refresh" not in {c["name"] for c in page.context.cookies()}
    page.reload()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    login(page, server.base, "leaver@web.test", "leaver-password-1")
    with server.client() as c:
        assert c.patch(f"/users/{user['id']}", json={"disabled": True}).status_code == 200
    page.get_by_role("link", name="History").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.locator(".banner.info")).to_contain_text("Your session ended")
    assert "next=%2Fhistory" in page.url


def test_hostile_values_and_labels_render_as_text(
    open_as: Any, server: Server, lab_files: Any
) -> None:
    with server.client() as c:
        conn = c.post(
            "/connections",
            json={"name": PAYLOAD, "type": "duckdb", "config": {"path": str(lab_files["xss"])}},
        ).json()
        for kind, body in (
            (
                "metrics",
                {
                    "name": "thing_count",
                    "label": PAYLOAD,
                    "table": "things",
                    "agg": "count",
                    "expr": "id",
                    "synonyms": ["thing count"],
                },
            ),
            (
                "dimensions",
                {
                    "name": "thing",
                    "label": f"Thing {PAYLOAD}",
                    "table": "things",
                    "expr": "name",
                    "synonyms": ["thing name"],
                },
            ),
        ):
            r = c.post(f"/semantic/{kind}", json={**body, "connection_id": conn["id"]})
            assert r.status_code == 201, r.text
        demo_metric = next(
            m for m in c.get("/semantic/metrics").json()["data"] if m["name"] == "quantity_sold"
        )
        c.patch(f"/semantic/metrics/{demo_metric['id']}", json={"label": PAYLOAD})
    try:
        page = open_as("admin").page
        page.evaluate("window.__xss = 0")
        page.get_by_label("Connection").select_option(label=PAYLOAD)
        card = ask(page, "thing count by thing name")
        expect(card).to_have_attribute("data-state", "answered")
        expect(card.locator("table.data")).to_contain_text(PAYLOAD)  # the value, as text
        expect(card.locator("table.data th").first).to_contain_text(f"Thing {PAYLOAD}")
        card.locator(MARKS).first.wait_for()
        page.get_by_label("Connection").select_option(label="Demo sales")
        demo = ask(page, "units sold by region")
        expect(demo.locator("table.data th").nth(1)).to_contain_text(PAYLOAD)  # a demo label
        page.get_by_role("link", name="Semantic layer").click()
        expect(page.locator(".side-list")).to_contain_text(PAYLOAD)
        page.get_by_role("link", name="Connections").click()
        expect(page.locator(".item-title", has_text=PAYLOAD)).to_be_visible()
        assert page.locator("img[src=x]").count() == 0
        assert page.evaluate("window.__xss") == 0
    finally:
        with server.client() as c:
            c.patch(f"/semantic/metrics/{demo_metric['id']}", json={"label": "Quantity sold"})


def test_secrets_stay_masked_on_edit_and_failures_are_classified(
    open_as: Any, server: Server, lab_files: dict[str, Path]
) -> None:
    # A file under the operator's root that goes away after its connection was made: the test
    # shows the classified outcome, not a driver message.
    gone_file = lab_files["lab"].parent / "gone.duckdb"
    shutil.copyfile(lab_files["lab"], gone_file)
    with server.client() as c:
        conn = c.post(
            "/connections",
            json={
                "name": "Warehouse PG",
                "type": "postgres",
                "config": {
                    "host": "127.0.0.1",
                    "port": 5432,
                    "database": "test",
                    "user": "postgres",
                    "password": "pw-kept-secret",
                },
            },
        ).json()
        missing = c.post(
            "/connections",
            json={
                "name": "Gone file",
                "type": "duckdb",
                "config": {"path": str(gone_file)},
            },
        )
    assert missing.status_code == 201, missing.text
    gone_file.unlink()
    page = open_as("admin").page
    page.get_by_role("link", name="Connections").click()
    item = page.locator("li.card", has_text="Warehouse PG")
    item.get_by_role("button", name="Edit").click()
    form = page.locator("form.conn-form")
    password = form.get_by_label("Password (optional)")
    expect(password).to_have_value("********")
    expect(password).to_have_attribute("type", "password")
    assert "pw-kept-secret" not in page.content()
    form.get_by_label("Name").fill("Warehouse PG (edited)")
    form.get_by_role("button", name="Save changes").click()
    expect(page.locator(".banner.ok")).to_contain_text("Saved “Warehouse PG (edited)”")
    with server.client() as c:
        after = c.get(f"/connections/{conn['id']}").json()
    assert after["name"] == "Warehouse PG (edited)" and after["config"]["has_password"] is True
    item = page.locator("li.card", has_text="Warehouse PG (edited)")
    item.get_by_role("button", name="Test").click()
    expect(item.locator(".banner.ok")).to_contain_text("PostgreSQL")
    gone = page.locator("li.card", has_text="Gone file")
    gone.get_by_role("button", name="Test").click()
    expect(gone.locator(".banner.error")).to_contain_text("Database missing: The database")
    assert "IO Error" not in gone.inner_text()  # no driver text
    # Delete asks first; cancelling keeps it, confirming removes it.
    gone.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Cancel").click()
    expect(page.locator("li.card", has_text="Gone file")).to_have_count(1)
    gone.get_by_role("button", name="Delete").click()
    page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    expect(page.locator("li.card", has_text="Gone file")).to_have_count(0)
    with server.client() as c:
        assert c.get(f"/connections/{missing.json()['id']}").status_code == 404
    # The form of an engine with a password shows the right fields for it.
    page.get_by_role("button", name="+ Add connection").click()
    page.get_by_label("Database type").select_option("snowflake")
    for label in ("Account", "Warehouse (optional)", "Private key (optional)"):
        expect(page.locator("form.conn-form").get_by_label(label)).to_be_visible()


def test_keyboard_only_ask_with_visible_focus(open_as: Any) -> None:
    page = open_as("viewer").page
    expect(page.locator("#question")).to_be_focused()  # focus starts in the box
    page.keyboard.type("orders by status")
    page.keyboard.press("Enter")
    card = page.locator(".answer").first
    expect(card).to_have_attribute("data-state", "answered")
    # Tab reaches the answer's controls; the focused one shows a focus ring. The bound is
    # generous: earlier tests in the same server leave history entries and sortable table
    # headers in the tab order before the explanation.
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert page.evaluate("document.activeElement.textContent") == "How I read this"
    ring = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert ring and ring != "none"
    page.keyboard.press("Enter")
    expect(card.locator("details.explain")).to_have_attribute("open", "")


def test_usage_page_lists_unknown_words_to_teach(open_as: Any, server: Server) -> None:
    page = open_as("admin").page
    ask(page, "sales by zorblat")
    page.goto(server.base + "/settings/usage")
    expect(page.locator(".kpi").first).to_contain_text("Questions")
    row = page.locator("tr", has_text="zorblat")
    expect(row).to_contain_text("sales by zorblat")
    row.get_by_role("button", name="Ask and teach “zorblat”").click()
    card = page.locator(".answer").first
    expect(card).to_have_attribute("data-state", "refusal")
    expect(card.locator("form.teach")).to_have_count(1)


def test_file_upload_creates_a_connection(open_as: Any, server: Server, tmp_path: Path) -> None:
    with server.client() as c:
        if c.get("/files").status_code == 404:
            pytest.skip("this server has no file upload (POST /api/v1/files)")
    csv = tmp_path / "branch_sales.csv"
    csv.write_text("city,amount\nLeeds,3.5\nYork,4\n")
    page = open_as("admin").page
    page.get_by_role("link", name="Connections").click()
    page.get_by_role("button", name="Upload a file").click()
    page.get_by_label("File", exact=True).set_input_files(str(csv))
    page.get_by_label("Connection name (optional)").fill("Uploaded branches")
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.locator(".banner.ok")).to_contain_text("Uploaded branch_sales.csv")
    item = page.locator("li.card", has_text="Uploaded branches")
    item.get_by_role("button", name="Test").click()
    expect(item.locator(".banner.ok")).to_contain_text("Connected.")


def test_audit_log_page_filters_and_exports(open_as: Any, server: Server) -> None:
    with server.client() as c:
        if c.get("/audit-log?limit=1").status_code == 404:
            pytest.skip("this server has no audit log API")
    page = open_as("admin").page
    page.goto(server.base + "/settings/audit")
    page.get_by_label("Action starts with").fill("auth.login")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("table.audit tbody tr")
    expect(rows.first).to_contain_text("auth.login")
    expect(rows.first).to_contain_text("admin@localhost")
    assert all("auth.login" in t for t in rows.locator("td code").all_inner_texts())
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    lines = Path(download.value.path()).read_text().splitlines()
    assert lines[0].startswith("id,occurred_at") and any("auth.login" in line for line in lines[1:])


def test_sso_settings_show_field_errors(open_as: Any, server: Server) -> None:
    with server.client() as c:
        if c.get("/sso/settings").status_code not in (200, 404):
            pytest.skip("this server offers no single sign-on settings to this plan")
    page = open_as("admin").page
    page.goto(server.base + "/settings/sso")
    expect(page.get_by_role("heading", name="Single sign-on (OpenID Connect)")).to_be_visible()
    expect(page.locator(".card").first).to_contain_text("Not set up")
    page.get_by_label("Issuer URL").fill("http://login.example.test")
    page.get_by_label("Client ID").fill("nexatron")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("[data-field=issuer] .field-error")).to_contain_text("https")
    with server.client() as c:
        assert c.get("/sso/settings").status_code == 404  # nothing was saved
