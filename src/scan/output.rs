//! The scan report as text (a terminal), JSON (scripts), SARIF 2.1.0 (GitHub
//! code scanning) and Markdown (a client).

use std::fmt::Write as _;

use console::Style;
use serde_json::json;

use super::{Report, Status};
use crate::checklist::{by_id, CHECKS};

const AREAS: &[&str] = &["errors", "input", "data", "secrets", "auth", "payments", "uploads", "operations"];

fn place(file: &str, line: Option<usize>) -> String {
    match line {
        Some(l) => format!("{file}:{l}"),
        None => file.to_string(),
    }
}

fn fix_command(check: &str) -> Option<String> {
    by_id(check)?.fix.map(|f| format!("harden apply --only {f}"))
}

pub fn text(r: &Report, color: bool) -> String {
    let bold = Style::new().bold().force_styling(color);
    let dim = Style::new().dim().force_styling(color);
    let red = Style::new().red().force_styling(color);
    let yellow = Style::new().yellow().force_styling(color);
    let green = Style::new().green().force_styling(color);
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", bold.apply_to("harden scan ·"), bold.apply_to(&r.project));
    let _ = writeln!(out, "  {}", dim.apply_to(&r.stack));
    let score = format!("{}/100", r.score);
    let score = if r.score >= 80 {
        green.apply_to(score)
    } else if r.score >= 50 {
        yellow.apply_to(score)
    } else {
        red.apply_to(score)
    };
    let _ = writeln!(out, "  readiness {score}  ({} findings, {} ms)", r.hits.len(), r.elapsed_ms);
    for area in AREAS {
        let checks: Vec<_> = r.statuses.iter().filter(|(c, _)| c.area == *area).collect();
        let _ = writeln!(out, "\n{}", bold.apply_to(area));
        for (check, status) in checks {
            let mark = match status {
                Status::Pass => green.apply_to("pass").to_string(),
                Status::Fail => red.apply_to("FAIL").to_string(),
                Status::NotApplicable => dim.apply_to("n/a ").to_string(),
            };
            let _ = writeln!(out, "  {mark}  {}", check.title);
            if *status != Status::Fail {
                continue;
            }
            let hits: Vec<_> = r.hits.iter().filter(|h| h.check == check.id).collect();
            for h in hits.iter().take(5) {
                let _ = writeln!(
                    out,
                    "        {:<8} {} {}",
                    h.severity.label(),
                    place(&h.file, h.line),
                    dim.apply_to(&h.message)
                );
            }
            if hits.len() > 5 {
                let _ = writeln!(out, "        … and {} more", hits.len() - 5);
            }
            if let Some(fix) = fix_command(check.id) {
                let _ = writeln!(out, "        fix: {}", bold.apply_to(fix));
            }
        }
    }
    if r.silenced > 0 {
        let _ = writeln!(out, "\n{} finding(s) silenced by harden.toml", r.silenced);
    }
    out
}

pub fn json(r: &Report) -> String {
    let findings: Vec<_> = r
        .hits
        .iter()
        .map(|h| {
            json!({
                "id": h.check,
                "severity": h.severity.label(),
                "area": by_id(h.check).map(|c| c.area),
                "title": by_id(h.check).map(|c| c.title),
                "message": h.message,
                "file": h.file,
                "line": h.line,
                "fix": fix_command(h.check),
            })
        })
        .collect();
    let checks: Vec<_> = r
        .statuses
        .iter()
        .map(|(c, s)| {
            json!({ "id": c.id, "area": c.area, "status": match s { Status::Pass => "pass", Status::Fail => "fail", Status::NotApplicable => "n/a" } })
        })
        .collect();
    let v = json!({
        "project": r.project,
        "stack": r.stack,
        "score": r.score,
        "checks": checks,
        "findings": findings,
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

/// SARIF 2.1.0: one rule per check (with help), one result per finding.
pub fn sarif(r: &Report) -> String {
    let level = |s: harden_codemods::Severity| match s {
        harden_codemods::Severity::Critical | harden_codemods::Severity::High => "error",
        harden_codemods::Severity::Medium => "warning",
        _ => "note",
    };
    let rules: Vec<_> = CHECKS
        .iter()
        .map(|c| {
            let fix = c.fix.map(|f| format!(" Fix: `harden apply --only {f}`.")).unwrap_or_default();
            json!({
                "id": c.id,
                "name": c.id.split('-').map(|w| { let mut cs = w.chars(); cs.next().map(|f| f.to_ascii_uppercase().to_string() + cs.as_str()).unwrap_or_default() }).collect::<String>(),
                "shortDescription": { "text": c.title },
                "fullDescription": { "text": c.help },
                "help": { "text": format!("{}{fix}", c.help), "markdown": format!("{}{fix}", c.help) },
                "defaultConfiguration": { "level": level(c.severity) },
                "properties": { "tags": [c.area], "problem.severity": level(c.severity) },
            })
        })
        .collect();
    let results: Vec<_> = r
        .hits
        .iter()
        .map(|h| {
            let mut region = json!({});
            if let Some(line) = h.line {
                region = json!({ "startLine": line });
            }
            let mut location = json!({ "physicalLocation": { "artifactLocation": { "uri": h.file, "uriBaseId": "%SRCROOT%" } } });
            if h.line.is_some() {
                location["physicalLocation"]["region"] = region;
            }
            json!({
                "ruleId": h.check,
                "ruleIndex": CHECKS.iter().position(|c| c.id == h.check).unwrap_or(0),
                "level": level(h.severity),
                "message": { "text": h.message },
                "locations": [location],
            })
        })
        .collect();
    let v = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "harden",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&v).unwrap_or_default() + "\n"
}

pub fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Production readiness: {}\n", r.project);
    let _ = writeln!(out, "**Score: {}/100** · {} · {} finding(s)\n", r.score, r.stack, r.hits.len());
    let _ = writeln!(out, "| area | checks | passed | failed | not applicable |\n|---|---:|---:|---:|---:|");
    for area in AREAS {
        let of = |s: Status| r.statuses.iter().filter(|(c, st)| c.area == *area && *st == s).count();
        let total = r.statuses.iter().filter(|(c, _)| c.area == *area).count();
        let _ = writeln!(
            out,
            "| {area} | {total} | {} | {} | {} |",
            of(Status::Pass),
            of(Status::Fail),
            of(Status::NotApplicable)
        );
    }
    for area in AREAS {
        let failed: Vec<_> =
            r.statuses.iter().filter(|(c, s)| c.area == *area && *s == Status::Fail).collect();
        if failed.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n## {}\n", area[..1].to_uppercase() + &area[1..]);
        for (check, _) in failed {
            let _ = writeln!(out, "### {} ({})\n\n{}\n", check.title, check.severity.label(), check.help);
            for h in r.hits.iter().filter(|h| h.check == check.id) {
                let _ = writeln!(out, "- `{}`: {}", place(&h.file, h.line), h.message.replace('|', "\\|"));
            }
            if let Some(fix) = fix_command(check.id) {
                let _ = writeln!(out, "\nharden can fix this: `{fix}`");
            }
        }
    }
    out
}
