//! Identity-provider app lists: what people actually sign into.
//!
//! Three export formats are read: Okta's apps list (the JSON that
//! `GET /api/v1/apps` returns, and that `stackaudit discover` writes),
//! Microsoft Entra ID's "Enterprise applications" CSV download, and Google
//! Workspace's "App access control" (connected apps) CSV download. The
//! identity provider's own apps (Okta's Admin Console and Dashboard,
//! Microsoft's and Google's first-party apps) are marked `builtin`, and
//! deactivated or blocked apps are not `active`: neither is a tool.
//!
//! Matching an app with an inventory tool is here too, so `audit --idp`
//! and `import --into` agree on it.

use serde_json::Value;

use super::source::Sheet;
use super::values::{self, Cell};
use crate::inventory::model::Tool;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    Okta,
    Entra,
    Google,
}

impl Provider {
    pub fn name(self) -> &'static str {
        match self {
            Provider::Okta => "Okta",
            Provider::Entra => "Microsoft Entra ID",
            Provider::Google => "Google Workspace",
        }
    }
}

/// One app of the identity provider.
#[derive(Clone, Debug, PartialEq)]
pub struct IdpApp {
    /// The name people see (Okta's `label`, Entra's and Google's name).
    pub name: String,
    /// Sign-on, home-page and entity URLs or host names.
    pub urls: Vec<String>,
    /// Active, enabled for sign-in, not blocked.
    pub active: bool,
    /// The identity provider's own app.
    pub builtin: bool,
    /// How many users are assigned, when the export says.
    pub assigned: Option<u64>,
}

impl IdpApp {
    /// An app people sign into that could be a tool.
    pub fn is_tool(&self) -> bool {
        self.active && !self.builtin
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct IdpApps {
    pub provider: Provider,
    pub apps: Vec<IdpApp>,
}

/// Okta's own apps, by their `name` (the app's key in Okta's catalogue).
const OKTA_BUILTIN_NAMES: &[&str] = &[
    "saasure",
    "okta_enduser",
    "okta_browser_plugin",
    "okta_flow_sso",
    "okta_workflows",
    "okta_workflows_oauth",
    "okta_iwa",
    "okta_access_requests",
    "okta_identity_governance",
    "okta_org2org",
    "active_directory",
    "ldap_interface",
    "okta_radius",
];

/// Microsoft's first-party apps that Entra lists beside enterprise apps.
const ENTRA_BUILTIN_NAMES: &[&str] = &[
    "my apps",
    "my profile",
    "my signins",
    "microsoft graph",
    "microsoft graph explorer",
    "graph explorer",
    "azure portal",
    "microsoft azure portal",
    "office 365 management apis",
    "microsoft app access panel",
    "microsoft authenticator app",
    "microsoft entra id",
    "azure active directory powershell",
    "microsoft intune",
    "microsoft teams",
    "office 365 exchange online",
    "office 365 sharepoint online",
    "microsoft office",
    "microsoft 365",
    "windows azure service management api",
];

/// Google's own apps that the connected-apps list shows.
const GOOGLE_BUILTIN_NAMES: &[&str] = &[
    "google chrome",
    "google drive for desktop",
    "google drive",
    "gmail",
    "google apps script",
    "google workspace sync for microsoft outlook",
    "android device policy",
    "android",
    "ios account manager",
    "macos",
    "google cloud sdk",
    "my account",
    "google workspace admin",
    "google meet",
    "google calendar",
];

fn lower_words(s: &str) -> String {
    values::clean(s).to_lowercase()
}

/// Reads an Okta apps list: a JSON array of app objects.
pub fn parse_okta(text: &str) -> Result<IdpApps, String> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| format!("not an Okta apps list (JSON): {e}"))?;
    let list = match &value {
        Value::Array(list) => list,
        Value::Object(o) => match o.get("apps") {
            Some(Value::Array(list)) => list,
            _ => {
                return Err(
                    "not an Okta apps list: expected a JSON array of apps, as GET /api/v1/apps returns"
                        .into(),
                );
            }
        },
        _ => return Err("not an Okta apps list: expected a JSON array of apps".into()),
    };
    let mut apps = Vec::new();
    for (i, app) in list.iter().enumerate() {
        let Some(obj) = app.as_object() else {
            return Err(format!("app {}: expected an object", i + 1));
        };
        let label = obj
            .get("label")
            .and_then(Value::as_str)
            .or_else(|| obj.get("name").and_then(Value::as_str));
        let Some(label) = label else {
            return Err(format!("app {}: has no `label`", i + 1));
        };
        let key = obj.get("name").and_then(Value::as_str).unwrap_or("");
        let status = obj
            .get("status")
            .and_then(Value::as_str)
            .unwrap_or("ACTIVE");
        let mut urls = Vec::new();
        if let Some(settings) = obj.get("settings") {
            collect_urls(settings, &mut urls, 0);
        }
        let builtin = OKTA_BUILTIN_NAMES.contains(&key) || lower_words(label).starts_with("okta ");
        apps.push(IdpApp {
            name: values::clean(label),
            urls,
            active: status.eq_ignore_ascii_case("ACTIVE"),
            builtin,
            assigned: obj
                .get("_stackaudit")
                .and_then(|s| s.get("assigned_users"))
                .and_then(Value::as_u64),
        });
    }
    Ok(IdpApps {
        provider: Provider::Okta,
        apps,
    })
}

/// String values under keys that name URLs or domains, a few levels deep.
fn collect_urls(value: &Value, out: &mut Vec<String>, depth: usize) {
    if depth > 4 {
        return;
    }
    if let Value::Object(o) = value {
        for (k, v) in o {
            let key = k.to_lowercase();
            match v {
                Value::String(s)
                    if (key.contains("url") || key.contains("domain") || key == "audience")
                        && host_of(s).is_some()
                        && out.len() < 20 =>
                {
                    out.push(s.clone());
                }
                Value::Object(_) => collect_urls(v, out, depth + 1),
                _ => {}
            }
        }
    }
}

/// The index of the column whose normalised header is one of `names`.
fn col(header: &[Cell], names: &[&str]) -> Option<usize> {
    header
        .iter()
        .position(|c| names.contains(&super::columns::normalise(&c.text()).as_str()))
}

/// The first row (of the first ten) that has a column named one of `names`.
fn header_row(sheet: &Sheet, names: &[&str]) -> Option<usize> {
    sheet
        .rows
        .iter()
        .take(10)
        .position(|r| col(r, names).is_some())
}

const ENTRA_NAME: &[&str] = &["name", "displayname", "applicationname", "appname"];
const GOOGLE_NAME: &[&str] = &["appname", "applicationname", "name"];

/// Which identity provider's CSV export a header row is, if any.
pub fn detect_csv(sheet: &Sheet) -> Option<Provider> {
    for row in sheet.rows.iter().take(10) {
        let has = |names: &[&str]| col(row, names).is_some();
        if has(ENTRA_NAME) && has(&["objectid", "applicationid", "appid"]) {
            return Some(Provider::Entra);
        }
        if has(&["appname", "applicationname"])
            && has(&[
                "verifiedstatus",
                "verificationstatus",
                "clientid",
                "oauthclientid",
            ])
        {
            return Some(Provider::Google);
        }
    }
    None
}

fn cell(row: &[Cell], index: Option<usize>) -> Option<&Cell> {
    index.and_then(|i| row.get(i))
}

fn count(cell: Option<&Cell>) -> Option<u64> {
    match cell? {
        Cell::Number(n) if *n >= 0.0 => Some(*n as u64),
        c => c.clean().replace(',', "").parse().ok(),
    }
}

pub fn parse_entra(sheet: &Sheet) -> Result<IdpApps, String> {
    let h = header_row(sheet, ENTRA_NAME).ok_or("no header row with a Name column")?;
    let header = &sheet.rows[h];
    let name = col(header, ENTRA_NAME);
    let kind = col(header, &["applicationtype", "apptype", "type"]);
    let enabled = col(
        header,
        &[
            "enabledforuserstosignin",
            "accountenabled",
            "enabled",
            "enabledforsignin",
        ],
    );
    let assigned = col(header, &["usersassigned", "assignedusers", "assignments"]);
    let url_cols: Vec<usize> = [
        "homepageurl",
        "homepage",
        "signonurl",
        "loginurl",
        "replyurls",
        "replyurl",
        "identifieruri",
        "identifieruriententityid",
        "identifieruriEntityid",
        "identifierurientityid",
    ]
    .iter()
    .filter_map(|n| col(header, &[n]))
    .collect();
    let mut apps = Vec::new();
    for row in &sheet.rows[h + 1..] {
        let Some(n) = cell(row, name).map(Cell::clean).filter(|n| !n.is_empty()) else {
            continue;
        };
        let microsoft = cell(row, kind)
            .map(|c| lower_words(&c.text()))
            .is_some_and(|t| t.starts_with("microsoft"));
        let active = cell(row, enabled)
            .map(|c| values::boolean(c).ok().flatten() != Some(false))
            .unwrap_or(true);
        let urls = url_cols
            .iter()
            .filter_map(|i| row.get(*i))
            .flat_map(|c| {
                c.clean()
                    .split([';', ',', ' '])
                    .filter(|u| host_of(u).is_some())
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        apps.push(IdpApp {
            builtin: microsoft || ENTRA_BUILTIN_NAMES.contains(&lower_words(&n).as_str()),
            name: n,
            urls,
            active,
            assigned: count(cell(row, assigned)),
        });
    }
    Ok(IdpApps {
        provider: Provider::Entra,
        apps,
    })
}

pub fn parse_google(sheet: &Sheet) -> Result<IdpApps, String> {
    let h = header_row(sheet, GOOGLE_NAME).ok_or("no header row with an App name column")?;
    let header = &sheet.rows[h];
    let name = col(header, GOOGLE_NAME);
    let access = col(
        header,
        &["access", "accessstatus", "accesssetting", "status"],
    );
    let users = col(header, &["users", "usercount", "numberofusers"]);
    let url_cols: Vec<usize> = [
        "homepage",
        "homepageurl",
        "website",
        "appurl",
        "url",
        "redirecturis",
    ]
    .iter()
    .filter_map(|n| col(header, &[n]))
    .collect();
    let mut apps = Vec::new();
    for row in &sheet.rows[h + 1..] {
        let Some(n) = cell(row, name).map(Cell::clean).filter(|n| !n.is_empty()) else {
            continue;
        };
        let blocked = cell(row, access)
            .map(|c| lower_words(&c.text()))
            .is_some_and(|a| a.starts_with("blocked") || a == "removed");
        let urls = url_cols
            .iter()
            .filter_map(|i| row.get(*i))
            .map(Cell::clean)
            .filter(|u| host_of(u).is_some())
            .collect();
        apps.push(IdpApp {
            builtin: GOOGLE_BUILTIN_NAMES.contains(&lower_words(&n).as_str()),
            name: n,
            urls,
            active: !blocked,
            assigned: count(cell(row, users)),
        });
    }
    Ok(IdpApps {
        provider: Provider::Google,
        apps,
    })
}

/// Reads an identity-provider export: Okta JSON (`.json`), or an Entra ID
/// or Google Workspace CSV recognised by its header row.
pub fn read(
    path: &std::path::Path,
    max_size: u64,
) -> Result<IdpApps, crate::diagnostic::InputError> {
    use crate::diagnostic::{Diagnostic, InputError};
    let name = path.display().to_string();
    let fail = |d: Diagnostic| InputError::single(name.clone(), d);
    let json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if json {
        let text = crate::inventory::read_bounded_text(path, max_size, "the --idp export")
            .map_err(fail)?;
        return parse_okta(text.trim_start_matches('\u{feff}')).map_err(|e| {
            fail(Diagnostic::file(e).help(
                "export the apps with `stackaudit discover --okta-domain DOMAIN -o apps.json` (or GET /api/v1/apps)",
            ))
        });
    }
    let mut bytes = Vec::new();
    {
        use std::io::Read as _;
        let file = std::fs::File::open(path).map_err(|e| {
            fail(Diagnostic::file(format!(
                "cannot read the --idp export: {e}"
            )))
        })?;
        file.take(max_size.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| {
                fail(Diagnostic::file(format!(
                    "cannot read the --idp export: {e}"
                )))
            })?;
    }
    if bytes.len() as u64 > max_size {
        return Err(fail(Diagnostic::file(format!(
            "the --idp export is over the input size limit of {}",
            crate::inventory::human_size(max_size)
        ))));
    }
    let sheet = super::source::read_csv(bytes, None).map_err(|p| {
        let d = Diagnostic::file(p.message);
        fail(match p.help {
            Some(h) => d.help(h),
            None => d,
        })
    })?;
    let parsed = match detect_csv(&sheet) {
        Some(Provider::Entra) => parse_entra(&sheet),
        Some(Provider::Google) => parse_google(&sheet),
        _ => Err("not an identity-provider export: the header row is neither Entra ID's (Name, Object ID, Application ID…) nor Google Workspace's (App name, ID, Verified status…)".to_string()),
    };
    parsed.map_err(|e| {
        fail(Diagnostic::file(e).help(
            "give an Okta apps list (.json), an Entra ID \"Enterprise applications\" download or a Google Workspace connected-apps download (.csv)",
        ))
    })
}

/// The host of a URL or a bare host name, in lower case.
pub fn host_of(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() || s.contains(' ') {
        return None;
    }
    let with_scheme = if s.contains("://") {
        s.to_string()
    } else {
        format!("https://{s}")
    };
    let u = url::Url::parse(&with_scheme).ok()?;
    let host = u.host_str()?.trim_end_matches('.').to_lowercase();
    (host.contains('.')
        && !host.starts_with('[')
        && !host.chars().all(|c| c.is_ascii_digit() || c == '.'))
    .then_some(host)
}

/// Second-level labels under which companies register names (`co.uk`).
const SECOND_LEVEL: &[&str] = &["co", "com", "org", "net", "ac", "gov", "edu", "ne", "or"];

/// The registrable domain of a host, by the common rule: the last two
/// labels, or three under a country's `co.`/`com.` (`example.co.uk`).
pub fn registrable_domain(host: &str) -> String {
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let n = labels.len();
    let keep = if n >= 3 && labels[n - 1].len() == 2 && SECOND_LEVEL.contains(&labels[n - 2]) {
        3
    } else {
        2
    };
    labels[n.saturating_sub(keep)..].join(".")
}

/// Domains shared by many unrelated apps (identity providers, clouds,
/// big suites): a match on these alone says nothing.
const SHARED_DOMAINS: &[&str] = &[
    "okta.com",
    "oktapreview.com",
    "okta-emea.com",
    "microsoftonline.com",
    "microsoft.com",
    "windows.net",
    "azurewebsites.net",
    "google.com",
    "googleusercontent.com",
    "amazonaws.com",
    "cloudfront.net",
    "herokuapp.com",
    "example.com",
];

/// Name words that say nothing about which product an app is.
const NOISE_WORDS: &[&str] = &[
    "com",
    "io",
    "inc",
    "llc",
    "ltd",
    "gmbh",
    "app",
    "saml",
    "sso",
    "oidc",
    "okta",
    "prod",
    "production",
    "the",
    "login",
];

/// A name as words: lower case, letters and digits, noise words dropped.
pub fn name_words(name: &str) -> Vec<String> {
    name.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !NOISE_WORDS.contains(w))
        .map(str::to_string)
        .collect()
}

fn contains_run(long: &[String], short: &[String]) -> bool {
    !short.is_empty() && short.len() <= long.len() && long.windows(short.len()).any(|w| w == short)
}

/// Whether two names are the same product: equal once case and
/// punctuation are ignored (`Sales Force` = `salesforce`), or one's words
/// are a run of the other's (`Zoom` and `Zoom Webinars`).
pub fn names_match(a: &str, b: &str) -> bool {
    let (wa, wb) = (name_words(a), name_words(b));
    if wa.is_empty() || wb.is_empty() {
        return false;
    }
    if wa.concat() == wb.concat() {
        return true;
    }
    contains_run(&wa, &wb) || contains_run(&wb, &wa)
}

/// Whether an app of the identity provider is this tool: by the tool's
/// `idp_app`, by name, or by the registrable domain of the tool's `url`
/// against the app's URLs.
pub fn app_is_tool(app: &IdpApp, tool: &Tool) -> bool {
    if let Some(idp) = &tool.idp_app {
        return names_match_exactly(idp, &app.name);
    }
    if names_match(&app.name, &tool.name) {
        return true;
    }
    let Some(domain) = tool
        .url
        .as_deref()
        .and_then(host_of)
        .map(|h| registrable_domain(&h))
    else {
        return false;
    };
    if SHARED_DOMAINS.contains(&domain.as_str()) {
        return false;
    }
    app.urls
        .iter()
        .filter_map(|u| host_of(u))
        .any(|h| registrable_domain(&h) == domain)
}

/// `idp_app` names one app: equal ignoring case and punctuation.
fn names_match_exactly(a: &str, b: &str) -> bool {
    let norm = |s: &str| super::columns::normalise(s);
    norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_by_words_and_containment() {
        assert!(names_match("Zoom", "Zoom Webinars"));
        assert!(names_match("Salesforce.com", "Salesforce"));
        assert!(names_match("Sales Force", "salesforce"));
        assert!(names_match("HubSpot", "hubspot"));
        assert!(!names_match("Hub", "HubSpot"));
        assert!(!names_match("Google Ads", "Google Analytics"));
        assert!(!names_match("Okta", "Zoom"));
    }

    #[test]
    fn registrable_domains() {
        assert_eq!(registrable_domain("login.salesforce.com"), "salesforce.com");
        assert_eq!(registrable_domain("www.salesforce.com"), "salesforce.com");
        assert_eq!(registrable_domain("app.example.co.uk"), "example.co.uk");
        assert_eq!(registrable_domain("hubspot.com"), "hubspot.com");
        assert_eq!(
            host_of("https://Login.Salesforce.com/x").as_deref(),
            Some("login.salesforce.com")
        );
        assert_eq!(host_of("app.gong.io").as_deref(), Some("app.gong.io"));
        assert_eq!(host_of("not a url"), None);
    }

    #[test]
    fn okta_builtins_and_inactive_apps_are_not_tools() {
        let apps = parse_okta(
            r#"[
              {"name":"saasure","label":"Okta Admin Console","status":"ACTIVE"},
              {"name":"okta_enduser","label":"Okta Dashboard","status":"ACTIVE"},
              {"name":"salesforce","label":"Salesforce.com","status":"ACTIVE",
               "settings":{"app":{"instanceType":"PRODUCTION","loginUrl":"https://login.salesforce.com"}}},
              {"name":"bookmark","label":"Old Wiki","status":"INACTIVE","settings":{"app":{"url":"https://wiki.example.org"}}}
            ]"#,
        )
        .unwrap();
        let tools: Vec<&str> = apps
            .apps
            .iter()
            .filter(|a| a.is_tool())
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(tools, ["Salesforce.com"]);
        assert_eq!(apps.apps[2].urls, ["https://login.salesforce.com"]);
        assert!(parse_okta("{\"x\":1}").is_err());
    }
}
