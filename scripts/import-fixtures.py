#!/usr/bin/env python3
"""Writes the spreadsheets and identity-provider exports in tests/fixtures/import/.

The binary fixtures (XLSX, ODS) are committed; this script is how they were made,
so they can be changed and made again:

    python3 -m venv /tmp/fixvenv
    /tmp/fixvenv/bin/pip install openpyxl==3.1.5 odfpy==1.4.1 msoffcrypto-tool==6.1.0
    /tmp/fixvenv/bin/python scripts/import-fixtures.py
    /tmp/fixvenv/bin/python scripts/import-fixtures.py --bench /tmp/import-5000.xlsx   # BENCHMARKS.md

The sheets are written the way people keep them: title rows and merged group
headers above the real header, notes columns, blank rows, trailing spaces,
inconsistent capitalisation, "n/a", "TBD", a totals row, dates as date cells,
as text in several orders and as Excel serial numbers.
"""

import csv
import datetime as dt
import json
import os
import subprocess
import sys
import zipfile

from openpyxl import Workbook
from openpyxl.styles import Font

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "fixtures", "import")
BAD = os.path.join(OUT, "bad")
os.makedirs(BAD, exist_ok=True)

D = dt.date


def save(wb, name):
    path = os.path.join(OUT, name)
    wb.save(path)
    normalise_zip(path)


def normalise_zip(path):
    """Fixed timestamps inside the archive, so re-running changes nothing."""
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            if name == "docProps/core.xml":
                data = (
                    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                    b'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>stackaudit fixtures</dc:creator></cp:coreProperties>'
                )
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)


# 1. A marketing-ops tracker: a title row and merged group headers above the
#    header row, a notes column, blank rows, a totals row with a formula.
def tracker():
    wb = Workbook()
    ws = wb.active
    ws.title = "Stack"
    ws["A1"] = "Marketing Ops – Tool Tracker (FY26)"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:Q1")
    ws["E2"] = "Commercial"
    ws.merge_cells("E2:G2")
    ws["H2"] = "Security & Access"
    ws.merge_cells("H2:L2")
    header = [
        "Tool ", "Vendor", "Category", "Business Owner", "Annual Cost (USD)",
        "Renewal Date", "DPA", "SSO?", "MFA", "SCIM", "SOC 2", "ISO 27001",
        "Data types", "Hosting", "Website", "Notes", "Status",
    ]
    ws.append(header)
    rows = [
        ["HubSpot Marketing Hub", "HubSpot, Inc.", "Marketing Automation", "jane.doe@northwind.example",
         48000, D(2027, 3, 1), "Yes", "yes", "Y", "no", "Type II", D(2027, 5, 31),
         "PII, Behavioural", "EU, US", "hubspot.com", "Renewal under negotiation – ask for multi-year", "Active"],
        ["Salesforce Sales Cloud", "Salesforce", "CRM", "revops@northwind.example",
         "$120,000", "31/01/2027", True, "✓", "✓", "✓", "type 2", "yes",
         "pii, customer", "United States", "https://www.salesforce.com", None, "active"],
        [],
        ["  Gong  ", "Gong.io", "sales", "TBD", "n/a", "TBD", "n/a", "yes", "yes", "N",
         "SOC 2 Type 1", "n/a", None, "US-East", "gong.io", "Pilot with 5 seats", "Trial"],
        ["Drift", "Salesloft", "Live chat", "Marketing Ops ", 18000, "Dec 31, 2026", "no", "no", "yes", "-",
         "yes", "-", "PII", "US", "drift.com", None, "retiring"],
        ["Hotjar", "Hotjar Ltd", "web analytics", "growth team", "3,500", 46387, "yes", "no", "yes", "no",
         "no", "no", "behavioral", "Ireland", "hotjar.com", "cookie consent needed", "active"],
        ["Canva", "Canva", "Design", "brand@northwind.example", 1200, "2026-09-15", "n/a", "no", "no", "no",
         "n/a", "n/a", "public", "Australia", "canva.com", None, "active"],
        [],
        ["ZoomInfo", "ZoomInfo", "enrichment", "sdr-lead@northwind.example", "$36,000", D(2027, 6, 30),
         "Yes", "Yes", "Yes", "Yes", "Type II", D(2027, 1, 15), "PII", "US", "zoominfo.com", None, "active"],
        ["Zoom Webinars", "Zoom", "Webinars", "events@northwind.example", 6000, "15 Mar 2027", "yes", "yes",
         "yes", "no", "Type 2", None, "PII", "US", "zoom.us", None, "ACTIVE"],
        [None] * 15 + ["Q3: evaluate a Clearbit replacement"],
        ["Total", None, None, None, "=SUM(E4:E13)"],
    ]
    for r in rows:
        ws.append(r)
    for row in ws.iter_rows(min_row=4, min_col=6, max_col=6):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    save(wb, "tracker.xlsx")


# 2. A procurement system's export: comma CSV, costs in mixed currencies.
def procurement():
    rows = [
        ["Supplier", "Product", "Contract Value", "Currency", "Contract End Date", "Business Owner", "Category", "DPA in place"],
        ["HubSpot, Inc.", "HubSpot Marketing Hub", "$48,000", "USD", "2027-03-01", "Jane Doe", "Marketing Automation", "Yes"],
        ["Semrush Inc", "Semrush", "EUR 12k", "EUR", "2026-11-30", "seo@northwind.example", "SEO", "yes"],
        ["6sense Insights, Inc.", "6sense", "£30,000.00", "GBP", "2027-02-28", "abm team", "ABM", "Y"],
        ["Typeform SL", "Typeform ", "12.000 €", "", "2027-04-01", "", "Forms", "Yes"],
        ["", "", "", "", "", "", "", ""],
        ["Intuit Mailchimp", "Mailchimp Transactional", "1,800", "usd", "Jan 15, 2027", "lifecycle@northwind.example", "Transactional email", "no"],
        ["Vimeo.com, Inc.", "Vimeo", "CHF 4'800", "CHF", "2027-08-31", "video team", "Video", "n/a"],
        ["Twilio Inc.", "Twilio Segment", "$60,000.00", "USD", "2027-05-15", "data@northwind.example", "Customer Data Platform", "YES"],
        ["RealtimeBoard Inc.", "Miro", "9.600,00 EUR", "EUR", "TBD", "pmo@northwind.example", "n/a", "yes"],
    ]
    with open(os.path.join(OUT, "procurement.csv"), "w", newline="", encoding="utf-8") as f:
        csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)


# 3. A workbook with several sheets: instructions, two team lists, a hidden
#    sheet of drop-down values.
def multi_sheet():
    wb = Workbook()
    readme = wb.active
    readme.title = "Read me"
    readme["A1"] = "How to use this workbook"
    readme["A3"] = "One row per tool. Use the drop-downs for Category and Status."
    readme["A4"] = "Ask marketing-ops@northwind.example before adding a tool."
    mkt = wb.create_sheet("Marketing")
    mkt.append(["TOOL", "OWNER", "CATEGORY", "STATUS", "RENEWAL", "DATA LOCATION"])
    mkt.append(["Marketo Engage", "ops@northwind.example", "MAP", "Active", D(2027, 1, 31), "EU (Frankfurt)"])
    mkt.append(["Optimizely", "growth@northwind.example", "Analytics", "evaluating", None, "us-east-1"])
    mkt.append([])
    mkt.append(["Contentful", "web@northwind.example", "CMS", "active", D(2026, 12, 15), "eu-west-1"])
    mkt.append(["Sprout Social", "social@northwind.example", "Social Media", "Active ", "n/a", "US"])
    for row in mkt.iter_rows(min_row=2, min_col=5, max_col=5):
        for cell in row:
            cell.number_format = "YYYY-MM-DD"
    sales = wb.create_sheet("Sales")
    sales.append(["Application", "Owner", "Type", "Annual cost", "Renewal"])
    sales.append(["Outreach", "sales-ops@northwind.example", "Sales engagement", 42000, D(2027, 7, 1)])
    sales.append(["LinkedIn Sales Navigator", "sales-ops@northwind.example", "Prospecting", "25k", D(2027, 2, 1)])
    sales.append(["Clari", "cro-office@northwind.example", "Reporting", 30000, "2027-03-31"])
    for row in sales.iter_rows(min_row=2, min_col=5, max_col=5):
        for cell in row:
            cell.number_format = "MM/DD/YYYY"
    lists = wb.create_sheet("Lists")
    lists.append(["Category", "Status"])
    lists.append(["CRM", "Active"])
    lists.sheet_state = "hidden"
    save(wb, "multi-sheet.xlsx")


# 4. An ODS spreadsheet (LibreOffice), with date, number and text cells.
def ods():
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableRow, TableCell
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Tools")
    rows = [
        ["Name", "Category", "Owner", "Cost", "Currency", "Renewal", "SSO", "Regions", "URL"],
        ["Webflow", "cms", "web@northwind.example", 9000.0, "USD", D(2027, 4, 30), True, "US", "webflow.com"],
        ["Intercom", "chat", "support-ops@northwind.example", 24000.0, "USD", D(2026, 12, 31), True, "US, EU", "https://www.intercom.com"],
        ["Mixpanel", "Product analytics", "product@northwind.example", 15000.0, "usd", "2027-01-31", "yes", "EU", "mixpanel.com"],
        [None] * 9,
        ["Hootsuite", "Social", "social@northwind.example", "n/a", None, None, "no", "Canada", "hootsuite.com"],
        ["Google Ads", "Paid media", "performance@northwind.example", None, None, None, "yes", "global", "ads.google.com"],
    ]
    for r in rows:
        tr = TableRow()
        for v in r:
            if v is None:
                tc = TableCell()
            elif isinstance(v, bool):
                tc = TableCell(valuetype="boolean", booleanvalue="true" if v else "false")
                tc.addElement(P(text="TRUE" if v else "FALSE"))
            elif isinstance(v, float):
                tc = TableCell(valuetype="float", value=v)
                tc.addElement(P(text=str(v)))
            elif isinstance(v, dt.date):
                tc = TableCell(valuetype="date", datevalue=v.isoformat())
                tc.addElement(P(text=v.isoformat()))
            else:
                tc = TableCell(valuetype="string")
                tc.addElement(P(text=v))
            tr.addElement(tc)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    path = os.path.join(OUT, "stack.ods")
    doc.save(path)
    normalise_zip(path)


# 5. A CSV with `;` delimiters and a UTF-8 byte-order mark, as European Excel
#    saves it: day-first dates (one of which only --date-format dmy settles).
def semicolon_bom():
    lines = [
        "Tool;Category;Owner;Annual cost;Renewal;SSO;Data location;Trust page",
        "Brevo;Email marketing;crm-team@northwind.example;12.000 €;31.12.2026;Ja;Germany;https://www.brevo.com/legal/",
        "Usercentrics;Consent management;legal@northwind.example;4.500,50 €;15/03/2027;nein;DE;",
        ";;;;;;;",
        "Piwik PRO ;Web Analytics;analytics@northwind.example;EUR 9k;01/02/2027;yes;EU;",
        "Pipedrive;crm;sales@northwind.example;n/a;n/a;n/a;Estonia;https://www.pipedrive.com/en/trust-center",
        "Livestorm;webinar;events@northwind.example;3.600 €;28/02/2027;no;France;",
    ]
    text = "\r\n".join(lines) + "\r\n"
    with open(os.path.join(OUT, "semicolon-bom.csv"), "wb") as f:
        f.write(b"\xef\xbb\xbf" + text.replace("Estonia", "ee").encode("utf-8"))


# Identity-provider exports: the same company's apps as each provider lists them.
# (name, sign-on URL or None)
APPS = [
    ("Salesforce.com", "https://login.salesforce.com"),
    ("HubSpot", "https://app.hubspot.com"),
    ("Zoom", "https://northwind.zoom.us"),
    ("Slack", "https://northwind.slack.com"),
    ("ZoomInfo", "https://login.zoominfo.com"),
    ("Drift", "https://app.drift.com"),
    ("Marketo", "https://app-ab12.marketo.com"),
    ("Outreach", "https://app.outreach.io"),
    ("Contentful", "https://be.contentful.com"),
    ("Sprout Social", "https://app.sproutsocial.com"),
    ("Intercom", "https://app.intercom.com"),
    ("Mixpanel", "https://mixpanel.com/login"),
    ("Webflow", "https://webflow.com/dashboard"),
    ("Hootsuite", "https://hootsuite.com/login"),
    ("Segment", "https://app.segment.com"),
    ("Miro", "https://miro.com/sso"),
    ("Typeform", "https://admin.typeform.com"),
    ("6sense", "https://abm.6sense.com"),
    ("Semrush", "https://www.semrush.com/sso"),
    ("Vimeo", "https://vimeo.com/login"),
    ("Canva", "https://www.canva.com/login"),
    ("Clari", "https://app.clari.com"),
    ("LinkedIn Sales Navigator", "https://www.linkedin.com/sales"),
    ("Optimizely", "https://app.optimizely.com"),
    ("Brevo", "https://app.brevo.com"),
    ("Livestorm", "https://app.livestorm.co"),
    ("Pipedrive", "https://northwind.pipedrive.com"),
    ("Piwik PRO", "https://northwind.piwik.pro"),
    ("Usercentrics", "https://admin.usercentrics.eu"),
    ("Google Ads", "https://ads.google.com"),
    ("Looker Studio", "https://lookerstudio.google.com"),
    ("Tableau Cloud", "https://sso.online.tableau.com"),
    ("Workato", "https://app.workato.com"),
    ("Zapier", "https://zapier.com/app"),
    ("Qualtrics", "https://northwind.qualtrics.com"),
    ("SurveyMonkey", "https://www.surveymonkey.com/user/sign-in"),
    ("G2", "https://sell.g2.com"),
    ("Demandbase", "https://web.demandbase.com"),
    ("Clearbit", "https://dashboard.clearbit.com"),
    ("Wistia", "https://northwind.wistia.com"),
    ("Vidyard", "https://secure.vidyard.com"),
    ("Unbounce", "https://app.unbounce.com"),
    ("Hotjar", None),  # listed as a bookmark without SSO below
    ("Asana", "https://app.asana.com"),
    ("Figma", "https://www.figma.com"),
    ("Jira Software", "https://northwind.atlassian.net"),
    ("Gong", "https://app.gong.io"),
    ("Loom", "https://www.loom.com/login"),
    ("Calendly", "https://calendly.com/app/login"),
    ("Notion", "https://www.notion.so/login"),
    ("Grammarly Business", "https://account.grammarly.com"),
    ("AEM Author (Prod)", "https://author-p123-e456.adobeaemcloud.com"),
]

# Apps the inventory does not list: what `audit --idp` must report.
UNLISTED = ["Gong", "Loom", "Calendly", "Notion", "Grammarly Business"]


def okta():
    apps = [
        {"id": "0oa1admin", "name": "saasure", "label": "Okta Admin Console", "status": "ACTIVE", "signOnMode": "OPENID_CONNECT"},
        {"id": "0oa1dash", "name": "okta_enduser", "label": "Okta Dashboard", "status": "ACTIVE", "signOnMode": "OPENID_CONNECT"},
        {"id": "0oa1plug", "name": "okta_browser_plugin", "label": "Okta Browser Plugin", "status": "ACTIVE", "signOnMode": "OPENID_CONNECT"},
        {"id": "0oa1flow", "name": "okta_flow_sso", "label": "Okta Workflows", "status": "ACTIVE", "signOnMode": "SAML_2_0"},
    ]
    for i, (name, url) in enumerate(APPS):
        if name == "Hotjar":
            continue
        key = name.lower().replace(" ", "").replace(".", "")
        settings = {"app": {}, "signOn": {}}
        mode = "SAML_2_0"
        if url:
            if i % 3 == 0:
                settings["app"]["loginUrl"] = url
                mode = "AUTO_LOGIN"
            elif i % 3 == 1:
                settings["signOn"]["ssoAcsUrl"] = url + "/saml/acs"
            else:
                settings["app"]["url"] = url
                mode = "BOOKMARK"
        apps.append({
            "id": f"0oa{i:03d}xyz",
            "name": key if i % 2 else "bookmark" if mode == "BOOKMARK" else key,
            # "SEO Suite" matches the inventory's Semrush by its web address only.
            "label": {"Semrush": "SEO Suite"}.get(name, name),
            "status": "ACTIVE",
            "created": "2025-03-0%dT10:00:00.000Z" % (i % 9 + 1),
            "signOnMode": mode,
            "settings": settings,
            "_links": {"appLinks": [{"name": key, "href": f"https://northwind.okta.com/home/{key}/0oa{i:03d}xyz/aln1", "type": "text/html"}]},
        })
    # Deactivated apps are not tools, even when unlisted.
    apps.append({"id": "0oa900old", "name": "bookmark", "label": "Old Wiki", "status": "INACTIVE", "signOnMode": "BOOKMARK",
                 "settings": {"app": {"url": "https://wiki.northwind.example"}}})
    apps.append({"id": "0oa901old", "name": "marketo_legacy", "label": "Pardot (legacy)", "status": "INACTIVE", "signOnMode": "SAML_2_0", "settings": {}})
    with open(os.path.join(OUT, "okta-apps.json"), "w") as f:
        json.dump(apps, f, indent=2)
        f.write("\n")


def entra():
    rows = [["Name", "Object ID", "Application ID", "Homepage URL", "Created on", "Application type",
             "Enabled for users to sign-in?", "Assignment required?", "Users assigned"]]
    builtins = [("My Apps", None), ("Microsoft Graph", None), ("Office 365 Management APIs", None),
                ("Microsoft Teams", "https://teams.microsoft.com")]
    for i, (name, url) in enumerate(builtins):
        rows.append([name, f"b{i}-objid", f"00000003-0000-0000-c000-00000000000{i}", url or "",
                     "2024-01-10", "Microsoft Application", "Yes", "No", ""])
    for i, (name, url) in enumerate(APPS):
        if name == "Hotjar":
            continue
        nm = {"Salesforce.com": "Salesforce", "Marketo": "Adobe Marketo Engage", "Semrush": "SEO Suite"}.get(name, name)
        rows.append([nm, f"{i:04d}-obj", f"{i:04d}-app", url or "", "2025-02-%02d" % (i % 28 + 1),
                     "Enterprise Application", "Yes", "Yes", str(5 + i)])
    rows.append(["Old Wiki", "9000-obj", "9000-app", "https://wiki.northwind.example", "2021-05-05",
                 "Enterprise Application", "No", "Yes", "0"])
    with open(os.path.join(OUT, "entra-apps.csv"), "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)


def google():
    rows = [["App name", "Type", "ID", "Verified status", "Users", "Access"]]
    for i, name in enumerate(["Google Chrome", "Google Drive for desktop", "Android device policy", "iOS Account Manager"]):
        rows.append([name, "Web application", f"{i}-g.apps.googleusercontent.com", "Verified", str(120 - i), "Trusted"])
    for i, (name, _url) in enumerate(APPS):
        if name == "Hotjar":
            continue
        rows.append([name, "Web application", f"{1000 + i}-x.apps.googleusercontent.com",
                     "Verified" if i % 4 else "Not verified", str(3 + i), "Limited" if i % 5 else "Trusted"])
    rows.append(["Sketchy PDF Converter", "Web application", "77-x.apps.googleusercontent.com", "Not verified", "2", "Blocked"])
    with open(os.path.join(OUT, "google-apps.csv"), "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\r\n").writerows(rows)


# The inventory the identity-provider exports are compared with.
def idp_stack():
    tools = [
        ("salesforce", "Salesforce Sales Cloud", "crm", "https://www.salesforce.com", {}),
        ("hubspot", "HubSpot Marketing Hub", "marketing-automation", "https://www.hubspot.com", {}),
        ("zoom-webinars", "Zoom Webinars", "webinar", "https://zoom.us", {}),
        ("slack", "Slack", "chat", "https://slack.com", {}),
        ("zoominfo", "ZoomInfo SalesOS", "enrichment", "https://www.zoominfo.com", {}),
        ("drift", "Drift", "chat", "https://www.drift.com", {"status": "retiring"}),
        ("marketo", "Adobe Marketo Engage", "marketing-automation", "https://business.adobe.com/products/marketo.html", {}),
        ("outreach", "Outreach", "other", "https://www.outreach.io", {}),
        ("contentful", "Contentful", "cms", "https://www.contentful.com", {}),
        ("sprout", "Sprout Social", "social", "https://sproutsocial.com", {}),
        ("intercom", "Intercom", "chat", "https://www.intercom.com", {}),
        ("mixpanel", "Mixpanel", "analytics", "https://mixpanel.com", {}),
        ("webflow", "Webflow", "cms", "https://webflow.com", {}),
        ("hootsuite", "Hootsuite", "social", "https://www.hootsuite.com", {}),
        ("segment", "Twilio Segment", "cdp", "https://segment.com", {}),
        ("miro", "Miro", "other", "https://miro.com", {}),
        ("typeform", "Typeform", "survey", "https://www.typeform.com", {}),
        ("6sense", "6sense", "abm", "https://6sense.com", {}),
        ("semrush", "Semrush", "other", "https://www.semrush.com", {}),
        ("vimeo", "Vimeo", "webinar", "https://vimeo.com", {}),
        ("canva", "Canva", "other", "https://www.canva.com", {}),
        ("clari", "Clari", "bi", "https://www.clari.com", {}),
        ("sales-navigator", "LinkedIn Sales Navigator", "enrichment", "https://business.linkedin.com/sales-solutions", {}),
        ("optimizely", "Optimizely", "analytics", "https://www.optimizely.com", {}),
        ("brevo", "Brevo", "email", "https://www.brevo.com", {}),
        ("livestorm", "Livestorm", "webinar", "https://livestorm.co", {}),
        ("pipedrive", "Pipedrive", "crm", "https://www.pipedrive.com", {"status": "evaluating"}),
        ("piwik", "Piwik PRO", "analytics", "https://piwik.pro", {}),
        ("usercentrics", "Usercentrics", "other", "https://usercentrics.com", {}),
        ("google-ads", "Google Ads", "advertising", "https://ads.google.com", {}),
        ("looker-studio", "Looker Studio", "bi", "https://lookerstudio.google.com", {}),
        ("tableau", "Tableau", "bi", "https://www.tableau.com", {}),
        ("workato", "Workato", "ipaas", "https://www.workato.com", {}),
        ("zapier", "Zapier", "ipaas", "https://zapier.com", {}),
        ("qualtrics", "Qualtrics XM", "survey", "https://www.qualtrics.com", {}),
        ("surveymonkey", "SurveyMonkey", "survey", "https://www.surveymonkey.com", {}),
        ("g2", "G2 Buyer Intent", "abm", "https://www.g2.com", {}),
        ("demandbase", "Demandbase One", "abm", "https://www.demandbase.com", {}),
        ("clearbit", "Clearbit", "enrichment", "https://clearbit.com", {}),
        ("wistia", "Wistia", "webinar", "https://wistia.com", {}),
        ("vidyard", "Vidyard", "webinar", "https://www.vidyard.com", {}),
        ("unbounce", "Unbounce", "cms", "https://unbounce.com", {}),
        ("hotjar", "Hotjar", "analytics", "https://www.hotjar.com", {"sso": True}),
        ("asana", "Asana", "other", "https://asana.com", {}),
        ("figma", "Figma", "other", "https://www.figma.com", {}),
        ("jira", "Jira", "other", "https://www.atlassian.com/software/jira", {}),
        ("aem", "Adobe Experience Manager", "cms", "https://business.adobe.com/products/experience-manager/adobe-experience-manager.html", {"idp_app": "AEM Author (Prod)"}),
        ("ga4", "Google Analytics 4", "analytics", "https://analytics.google.com", {"sso": True}),
        ("linkedin-ads", "LinkedIn Ads", "advertising", "https://business.linkedin.com/marketing-solutions/ads", {}),
    ]
    out = ["# The stack that tests/fixtures/import/*-apps.* are audited against (audit --idp).",
           "schema = 1", "", "[organization]", 'name = "Northwind Traders"', ""]
    for tid, name, cat, url, extra in tools:
        out += ["[[tool]]", f'id = "{tid}"', f'name = "{name}"', f'category = "{cat}"', f'url = "{url}"']
        if "status" in extra:
            out.append(f'status = "{extra["status"]}"')
        if "idp_app" in extra:
            out.append(f'idp_app = "{extra["idp_app"]}"')
        if extra.get("sso"):
            out += ["", "[tool.access]", "sso = true"]
        out.append("")
    with open(os.path.join(OUT, "idp-stack.toml"), "w") as f:
        f.write("\n".join(out))


# Bad inputs small enough to commit; the huge ones are made by the tests.
def bad():
    wb = Workbook()
    wb.active.title = "Tools"
    wb.save(os.path.join(BAD, "empty-sheet.xlsx"))
    normalise_zip(os.path.join(BAD, "empty-sheet.xlsx"))

    wb = Workbook()
    ws = wb.active
    ws.title = "Tools"
    ws.append(["HubSpot", "jane@northwind.example", 48000])
    ws.append(["Gong", "sales@northwind.example", 9000])
    wb.save(os.path.join(BAD, "no-header.xlsx"))
    normalise_zip(os.path.join(BAD, "no-header.xlsx"))

    wb = Workbook()
    ws = wb.active
    ws.title = "Tools"
    ws.append(["Tool", "Category", "Annual cost"])
    ws.append(["HubSpot", "MAP", 48000])
    ws.append(["Gong", "other", "=B7*12"])
    ws.append(["Drift", "chat", "=VLOOKUP(A4,Prices!A:B,2,FALSE)"])
    wb.save(os.path.join(BAD, "formulas.xlsx"))
    normalise_zip(os.path.join(BAD, "formulas.xlsx"))

    wb = Workbook()
    ws = wb.active
    ws.title = "Tools"
    ws.append(["Tool", "Category", "Renewal", "SSO", "Annual cost", "Regions"])
    ws.append(["HubSpot", "MAP", "Q3 2026", "yes", "$48,000", "EU"])
    ws.append(["hubspot ", "MAP", D(2027, 1, 1), "maybe", "about 5k", "Mars"])
    ws.append(["Gong", "other", "03/04/2027", "y", "9000", "US"])
    wb.save(os.path.join(BAD, "unreadable-cells.xlsx"))
    normalise_zip(os.path.join(BAD, "unreadable-cells.xlsx"))

    # A single cell on the sheet's last row: the sheet claims 1,048,576 rows.
    wb = Workbook()
    ws = wb.active
    ws.title = "Tools"
    ws.append(["Tool", "Category"])
    ws.cell(row=1048576, column=1, value="Last row")
    wb.save(os.path.join(BAD, "last-row.xlsx"))
    normalise_zip(os.path.join(BAD, "last-row.xlsx"))

    plain = os.path.join(BAD, "plain-for-password.xlsx")
    wb = Workbook()
    wb.active.append(["Tool", "Category"])
    wb.active.append(["HubSpot", "MAP"])
    wb.save(plain)
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "msoffcrypto-tool"), "-e", "-p", "secret",
                    plain, os.path.join(BAD, "password.xlsx")], check=True)
    os.remove(plain)

    with open(os.path.join(BAD, "binary.csv"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))

    with open(os.path.join(BAD, "duplicates.csv"), "w", newline="") as f:
        f.write("Tool,Category,Owner\r\nHubSpot,MAP,jane\r\nGong,other,sam\r\nHUBSPOT ,map,joe\r\n")


def bench(path, rows=5000):
    """A 5,000-row tracker for BENCHMARKS.md (not committed)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Stack"
    ws.append(["Tool", "Vendor", "Category", "Owner", "Annual cost (USD)", "Renewal", "DPA", "SSO",
               "MFA", "SCIM", "SOC 2", "ISO expiry", "Data", "Hosting", "Website", "Notes"])
    cats = ["CRM", "MAP", "analytics", "Live chat", "webinars", "CMS", "iPaaS", "Reporting", "Design"]
    for i in range(rows):
        ws.append([f"Tool {i}", f"Vendor {i % 300}", cats[i % len(cats)], f"owner{i % 40}@northwind.example",
                   f"${(i % 90 + 1) * 1000:,}", D(2027, 1 + i % 12, 1 + i % 28), "yes" if i % 3 else "no",
                   "✓", "y", "n/a", "Type II" if i % 2 else "TBD", D(2027, 6, 30), "PII, behavioural",
                   "EU, US" if i % 2 else "Germany", f"tool{i}.example.com", "renewal under review" if i % 7 == 0 else None])
    wb.save(path)


if len(sys.argv) == 3 and sys.argv[1] == "--bench":
    bench(sys.argv[2])
    sys.exit(0)

tracker()
procurement()
multi_sheet()
ods()
semicolon_bom()
okta()
entra()
google()
idp_stack()
bad()
print("wrote", os.path.normpath(OUT))
