//! Input shapes that make naive code super-linear: each is generated at a
//! size N and at 4N, and `stackaudit validate` and `stackaudit audit -f json`
//! run on it as whole processes of the release binary, so the time and peak
//! memory (the child's own `ru_maxrss`, from `wait4`) are what a user sees.
//! With a linear program, 4N costs about 4 times N; the goal is a ratio of
//! at most 5, peak memory within 64 MB + 10 × the input and a report within
//! 200 × the input.
//!
//!     cargo bench --bench shapes                  # every shape
//!     cargo bench --bench shapes -- chain star    # some shapes
//!
//! A shape whose inventory `validate` rejects (exit 2) is reported as
//! "rejected by validate", a crash or a time-out as such; the benchmark
//! itself never stops on them. Figures are recorded in BENCHMARKS.md.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A process that runs longer than this is killed and reported as timed out.
const TIME_LIMIT: Duration = Duration::from_secs(120);

const MIB: f64 = 1024.0 * 1024.0;

/// The files of one generated input.
struct Input {
    stack: String,
    /// A user check definition, for shapes that need one (`--checks DIR`).
    check: Option<String>,
}

struct Shape {
    name: &'static str,
    /// What N counts, for the table.
    unit: &'static str,
    n: usize,
    build: fn(usize) -> Input,
}

fn tool(out: &mut String, id: &str, name: &str, category: &str, data: &str) {
    let _ = writeln!(
        out,
        "[[tool]]\nid = \"{id}\"\nname = \"{name}\"\ncategory = \"{category}\"\ndata = [{data}]"
    );
}

fn integration(out: &mut String, to: &str) {
    let _ = writeln!(out, "[[tool.integration]]\nto = \"{to}\"");
}

fn stack_only(stack: String) -> Input {
    Input { stack, check: None }
}

/// n tools, each integrating into the next; personal data at the head.
fn chain(n: usize) -> Input {
    let mut s = String::from("schema = 1\n");
    for i in 0..n {
        let data = if i == 0 { "\"pii\"" } else { "" };
        tool(
            &mut s,
            &format!("t{i}"),
            &format!("Tool {i}"),
            "other",
            data,
        );
        if i + 1 < n {
            integration(&mut s, &format!("t{}", i + 1));
        }
    }
    stack_only(s)
}

/// One iPaaS hub exchanging data both ways with n spokes.
fn star(n: usize) -> Input {
    let mut s = String::from("schema = 1\n[policy]\nsystem_of_record = \"hub\"\n");
    tool(&mut s, "hub", "Hub", "ipaas", "\"customer\"");
    spokes(&mut s, n, "\"pii\"");
    stack_only(s)
}

/// n analytics tools, each exchanging data both ways with `hub` through an iPaaS.
fn spokes(s: &mut String, n: usize, data: &str) {
    for i in 0..n {
        tool(
            s,
            &format!("s{i}"),
            &format!("Spoke {i}"),
            "analytics",
            data,
        );
        let _ = writeln!(
            s,
            "[[tool.integration]]\nto = \"hub\"\nmethod = \"ipaas\"\ndirection = \"both\""
        );
    }
}

/// A hub with n spokes that receives personal data two hops from its
/// origin (crm → relay → hub): every spoke's path runs through the hub, and
/// finding the hub's step towards the origin reads all n edges into it.
fn relayed_star(n: usize) -> Input {
    let mut s = String::from("schema = 1\n");
    tool(&mut s, "crm", "CRM", "crm", "\"pii\"");
    integration(&mut s, "relay");
    tool(&mut s, "relay", "Relay", "other", "");
    integration(&mut s, "hub");
    tool(&mut s, "hub", "Hub", "ipaas", "");
    spokes(&mut s, n, "");
    stack_only(s)
}

/// A complete bipartite graph with n integrations: every one of √n sources
/// (with personal data) into every one of √n sinks.
fn bipartite(n: usize) -> Input {
    let side = (n as f64).sqrt().round() as usize;
    let mut s = String::from("schema = 1\n");
    for i in 0..side {
        tool(
            &mut s,
            &format!("a{i}"),
            &format!("Source {i}"),
            "chat",
            "\"pii\", \"behavioral\"",
        );
        for j in 0..side {
            integration(&mut s, &format!("b{j}"));
        }
    }
    for j in 0..side {
        tool(
            &mut s,
            &format!("b{j}"),
            &format!("Sink {j}"),
            "analytics",
            "",
        );
    }
    stack_only(s)
}

/// 20 tools with ids of n characters, in a chain with personal data at the head.
fn long_ids(n: usize) -> Input {
    let mut s = String::from("schema = 1\n");
    let id = |i: usize| format!("{}-{i}", "a".repeat(n));
    for i in 0..20 {
        let data = if i == 0 { "\"pii\"" } else { "" };
        tool(&mut s, &id(i), &format!("Tool {i}"), "other", data);
        if i + 1 < 20 {
            integration(&mut s, &id(i + 1));
        }
    }
    stack_only(s)
}

/// n tools, each integrating into an id no tool has (every one needs a
/// "did you mean" among n ids).
fn unknown_references(n: usize) -> Input {
    let mut s = String::from("schema = 1\n");
    for i in 0..n {
        tool(
            &mut s,
            &format!("tool-{i}"),
            &format!("Tool {i}"),
            "other",
            "",
        );
        integration(&mut s, &format!("missing-{i}"));
    }
    stack_only(s)
}

/// `exclusive_categories` naming `crm` n times, over n / 4 CRM tools.
fn duplicates(n: usize) -> Input {
    let mut s = String::from("schema = 1\n[policy]\nexclusive_categories = [");
    s.push_str(&vec!["\"crm\""; n].join(", "));
    s.push_str("]\n");
    for i in 0..n / 4 {
        tool(&mut s, &format!("crm-{i}"), &format!("CRM {i}"), "crm", "");
    }
    stack_only(s)
}

/// A user rule whose message repeats `{name}` n times, failing on n / 10
/// tools with 1,000-character names.
fn long_templates(n: usize) -> Input {
    let mut s = String::from("schema = 1\n");
    let name = "N".repeat(1000);
    for i in 0..n / 10 {
        tool(&mut s, &format!("t{i}"), &name, "chat", "");
    }
    let check = format!(
        "id = \"named\"\ntitle = \"Named\"\nfamily = \"custom\"\nseverity = \"low\"\n\
         rationale = \"r\"\nremediation = \"r\"\n[rule]\n\
         require = {{ field = \"owner\", exists = true }}\nmessage = \"{}\"\n",
        "{name}".repeat(n)
    );
    Input {
        stack: s,
        check: Some(check),
    }
}

/// A check parameter nested n lists deep.
fn deep_nesting(n: usize) -> Input {
    let s = format!(
        "schema = 1\n[checks.params.contract-renewal-due]\ndays = {}1{}\n",
        "[".repeat(n),
        "]".repeat(n)
    );
    stack_only(s)
}

const SHAPES: &[Shape] = &[
    Shape {
        name: "chain",
        unit: "tools",
        n: 500,
        build: chain,
    },
    Shape {
        name: "star",
        unit: "spokes",
        n: 12_499,
        build: star,
    },
    Shape {
        name: "relayed-star",
        unit: "spokes",
        n: 12_000,
        build: relayed_star,
    },
    Shape {
        name: "bipartite",
        unit: "integrations",
        n: 2_500,
        build: bipartite,
    },
    Shape {
        name: "long-ids",
        unit: "id characters",
        n: 2_500,
        build: long_ids,
    },
    Shape {
        name: "unknown-references",
        unit: "references",
        n: 1_000,
        build: unknown_references,
    },
    Shape {
        name: "duplicates",
        unit: "duplicates",
        n: 2_000,
        build: duplicates,
    },
    Shape {
        name: "long-templates",
        unit: "placeholders",
        n: 500,
        build: long_templates,
    },
    Shape {
        name: "deep-nesting",
        unit: "levels",
        n: 2_000,
        build: deep_nesting,
    },
];

/// How one process ended, with its cost.
struct Run {
    outcome: Outcome,
    wall: Duration,
    peak_rss: u64,
    output_bytes: u64,
}

#[derive(Clone, Copy, PartialEq)]
enum Outcome {
    /// Exit 0 or 1: the command did its work.
    Ran(i32),
    /// Exit 2: the input was rejected with a message.
    Rejected,
    Exited(i32),
    Signal(i32),
    TimedOut,
}

impl Outcome {
    fn text(self, command: &str) -> String {
        match self {
            Outcome::Ran(code) => format!("exit {code}"),
            Outcome::Rejected => format!("rejected by {command}"),
            Outcome::Exited(101) => "panicked (exit 101)".into(),
            Outcome::Exited(code) => format!("exit {code}"),
            Outcome::Signal(9) => "killed (signal 9, out of memory?)".into(),
            Outcome::Signal(6) => "aborted (signal 6, allocation failure?)".into(),
            Outcome::Signal(sig) => format!("crashed (signal {sig})"),
            Outcome::TimedOut => format!("timed out after {} s", TIME_LIMIT.as_secs()),
        }
    }
}

/// Runs the binary with `args`, stdout to `output`, from a small helper
/// process (this benchmark run with `--measure-child`). On Linux a child's
/// `ru_maxrss` starts at its parent's peak resident set (the parent's pages
/// are counted until `exec`), and this process holds the generated inputs;
/// the helper holds nothing.
fn measure(bin: &Path, args: &[&str], output: &Path) -> Run {
    let me = std::env::current_exe().expect("the benchmark's own path");
    let out = Command::new(me)
        .arg("--measure-child")
        .arg(output)
        .arg(bin)
        .args(args)
        .output()
        .expect("start the measuring helper");
    let line = String::from_utf8_lossy(&out.stdout);
    let fields: Vec<i64> = line
        .split_whitespace()
        .map(|f| f.parse().expect("a number from the helper"))
        .collect();
    let [kind, code, wall_us, peak_rss, output_bytes] = fields[..] else {
        panic!("unexpected helper output: {line:?}");
    };
    let code = code as i32;
    Run {
        outcome: match kind {
            0 => Outcome::Ran(code),
            1 => Outcome::Rejected,
            2 => Outcome::Exited(code),
            3 => Outcome::Signal(code),
            _ => Outcome::TimedOut,
        },
        wall: Duration::from_micros(wall_us as u64),
        peak_rss: peak_rss as u64,
        output_bytes: output_bytes as u64,
    }
}

/// The helper's side of [`measure`]: prints "kind code wall-µs rss bytes".
fn measure_child(args: &[String]) {
    let [output, bin, rest @ ..] = args else {
        panic!("usage: shapes --measure-child OUTPUT BIN ARGS...");
    };
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    let run = measure_here(Path::new(bin), &rest, Path::new(output));
    let (kind, code) = match run.outcome {
        Outcome::Ran(c) => (0, c),
        Outcome::Rejected => (1, 2),
        Outcome::Exited(c) => (2, c),
        Outcome::Signal(s) => (3, s),
        Outcome::TimedOut => (4, 0),
    };
    println!(
        "{kind} {code} {} {} {}",
        run.wall.as_micros(),
        run.peak_rss,
        run.output_bytes
    );
}

/// Runs the binary and waits with `wait4`, which reports this child's own
/// peak resident set.
fn measure_here(bin: &Path, args: &[&str], output: &Path) -> Run {
    let out = std::fs::File::create(output).expect("create the output file");
    let start = Instant::now();
    #[expect(
        clippy::zombie_processes,
        reason = "reaped by wait4 below, which also reports its peak memory"
    )]
    let child = Command::new(bin)
        .args(args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(Stdio::null())
        .spawn()
        .expect("start stackaudit");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut timed_out = false;
    loop {
        // SAFETY: pid is our child, not yet reaped; status and usage are ours.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
        if r == pid {
            break;
        }
        assert!(r == 0, "wait4 failed: {}", std::io::Error::last_os_error());
        if !timed_out && start.elapsed() > TIME_LIMIT {
            // SAFETY: signalling our own unreaped child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
            timed_out = true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let wall = start.elapsed();
    let outcome = if timed_out {
        Outcome::TimedOut
    } else if libc::WIFEXITED(status) {
        match libc::WEXITSTATUS(status) {
            code @ (0 | 1) => Outcome::Ran(code),
            2 => Outcome::Rejected,
            code => Outcome::Exited(code),
        }
    } else {
        Outcome::Signal(libc::WTERMSIG(status))
    };
    Run {
        outcome,
        wall,
        // Linux reports ru_maxrss in KiB.
        peak_rss: usage.ru_maxrss as u64 * 1024,
        output_bytes: std::fs::metadata(output).map_or(0, |m| m.len()),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).is_some_and(|a| a == "--measure-child") {
        measure_child(&args[2..]);
        return;
    }
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_stackaudit"));
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("shapes");
    std::fs::create_dir_all(&dir).expect("create the work folder");
    let wanted: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    println!(
        "| shape | N | command | input N → 4N | time N → 4N | ratio | peak RSS N → 4N | ratio | report 4N | goals at 4N |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for shape in SHAPES {
        if !wanted.is_empty() && !wanted.iter().any(|w| w == shape.name) {
            continue;
        }
        let mut runs: Vec<(usize, u64, Run, Run)> = Vec::new();
        for n in [shape.n, 4 * shape.n] {
            let input = (shape.build)(n);
            let stack = dir.join(format!("{}-{n}.toml", shape.name));
            std::fs::write(&stack, &input.stack).expect("write the inventory");
            let checks = dir.join(format!("{}-{n}-checks", shape.name));
            let _ = std::fs::remove_dir_all(&checks);
            std::fs::create_dir_all(&checks).expect("create the checks folder");
            let mut size = input.stack.len() as u64;
            if let Some(check) = &input.check {
                std::fs::write(checks.join("check.toml"), check).expect("write the check");
                size += check.len() as u64;
            }
            let stack_arg = stack.to_str().expect("a UTF-8 path");
            let checks_arg = checks.to_str().expect("a UTF-8 path");
            let validate = measure(&bin, &["validate", stack_arg], &dir.join("validate.out"));
            let audit = if validate.outcome == Outcome::Rejected {
                None
            } else {
                Some(measure(
                    &bin,
                    &[
                        "audit",
                        stack_arg,
                        "--as-of",
                        "2026-11-22",
                        "-f",
                        "json",
                        "--checks",
                        checks_arg,
                    ],
                    &dir.join(format!("{}-{n}.json", shape.name)),
                ))
            };
            let audit = audit.unwrap_or(Run {
                outcome: Outcome::Rejected,
                wall: Duration::ZERO,
                peak_rss: 0,
                output_bytes: 0,
            });
            runs.push((n, size, validate, audit));
        }
        let (small, large) = (&runs[0], &runs[1]);
        row(shape, "validate", small.1, large.1, &small.2, &large.2);
        row(shape, "audit -f json", small.1, large.1, &small.3, &large.3);
    }
}

/// One table row: a command at N and at 4N.
fn row(shape: &Shape, command: &str, size_n: u64, size_4n: u64, a: &Run, b: &Run) {
    let word = command.split(' ').next().unwrap_or(command);
    let ran = |r: &Run| matches!(r.outcome, Outcome::Ran(_));
    let time = |r: &Run| {
        if ran(r) {
            secs(r.wall)
        } else if r.wall.is_zero() {
            "not run".to_string()
        } else {
            format!("{} ({})", r.outcome.text(word), secs(r.wall))
        }
    };
    // A rejection takes time too ("did you mean" compares every id), so
    // two rejections are compared like two runs.
    let rejected = |r: &Run| r.outcome == Outcome::Rejected && !r.wall.is_zero();
    let both = (ran(a) && ran(b)) || (rejected(a) && rejected(b));
    let time_ratio = ratio(a.wall.as_secs_f64(), b.wall.as_secs_f64());
    let memory_ratio = ratio(a.peak_rss as f64, b.peak_rss as f64);
    let verdict = if ran(b) {
        let memory_ok = (b.peak_rss as f64) <= 64.0 * MIB + 10.0 * size_4n as f64;
        let report_ok = command == "validate" || b.output_bytes <= 200 * size_4n;
        let ok = |good: bool| if good { "ok" } else { "OVER" };
        format!(
            "time {} · memory {} · report {}",
            if both { ok(time_ratio <= 5.0) } else { "–" },
            ok(memory_ok),
            ok(report_ok)
        )
    } else if b.wall.is_zero() {
        "not run: rejected by validate".to_string()
    } else if both {
        let ok = if time_ratio <= 5.0 { "ok" } else { "OVER" };
        format!("{}; time {ok}", b.outcome.text(word))
    } else {
        b.outcome.text(word)
    };
    let memory = |r: &Run| {
        if r.wall.is_zero() {
            "–".to_string()
        } else {
            size_text(r.peak_rss)
        }
    };
    println!(
        "| {} | {} {} | {command} | {} → {} | {} → {} | {} | {} → {} | {} | {} | {verdict} |",
        shape.name,
        shape.n,
        shape.unit,
        size_text(size_n),
        size_text(size_4n),
        time(a),
        time(b),
        if both {
            format!("{time_ratio:.1}")
        } else {
            "–".into()
        },
        memory(a),
        memory(b),
        if both {
            format!("{memory_ratio:.1}")
        } else {
            "–".into()
        },
        if command != "validate" && ran(b) {
            size_text(b.output_bytes)
        } else {
            "–".to_string()
        },
    );
}

fn ratio(a: f64, b: f64) -> f64 {
    if a > 0.0 { b / a } else { f64::INFINITY }
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn size_text(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= MIB {
        format!("{:.1} MiB", b / MIB)
    } else {
        format!("{:.0} KiB", b / 1024.0)
    }
}
