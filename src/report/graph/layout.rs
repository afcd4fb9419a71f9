//! A layered (Sugiyama-style) layout of the integration graph for the HTML
//! report, drawn left to right in the direction data flows.
//!
//! Tools are placed in columns by the longest data-flow path that reaches
//! them; an edge that spans several columns runs through a slot of its own
//! in each column it crosses, so it never passes behind a box that is not
//! one of its ends. Between two tool columns there is a label column: each
//! edge's label sits in the edge's own slot there, so no two labels share a
//! place. Tools without any integration stand at the foot of the shortest
//! tool column, under a caption, where no edge passes.
//!
//! Geometry is in SVG user units; text widths are estimated from the font
//! size (the report has no scripts to measure them).

use std::collections::{HashMap, VecDeque};

use crate::audit::{AuditResult, ToolSummary};

pub const NODE_W: f64 = 160.0;
pub const NODE_H: f64 = 40.0;
/// Space between two boxes in one column.
const NODE_GAP: f64 = 16.0;
/// Height of an edge's slot where it carries its label, and where it does not.
const LABEL_SLOT: f64 = 24.0;
const PASS_SLOT: f64 = 14.0;
/// Horizontal room between columns for the slanted parts of edges.
const COLUMN_GAP: f64 = 28.0;
const MARGIN: f64 = 12.0;
/// Header row above the columns.
const TOP: f64 = 30.0;
/// Edge labels: font size 10, at most this many characters.
pub const LABEL_FONT: f64 = 10.0;
const LABEL_CHAR_W: f64 = 5.6;
const LABEL_MAX_CHARS: usize = 30;
const LABEL_H: f64 = 14.0;
const NAME_MAX_CHARS: usize = 22;
/// The caption above the tools without integrations.
const CAPTION_SLOT: f64 = 20.0;
const ORPHAN_CAPTION: &str = "No integrations";

#[derive(Debug, Clone)]
pub struct Node {
    pub id: String,
    pub name: String,
    /// The name as shown: cut to fit the box.
    pub label: String,
    /// Second line: category, and the status when not active.
    pub detail: String,
    pub x: f64,
    pub y: f64,
    pub serious: bool,
    pub retiring: bool,
}

#[derive(Debug, Clone)]
pub struct Label {
    /// Full wording; `text` may be cut to fit.
    pub full: String,
    pub text: String,
    /// The box behind the text.
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

#[derive(Debug, Clone)]
pub struct Edge {
    /// Ends as drawn: the path runs from `from` to `to`.
    pub from: String,
    pub to: String,
    pub points: Vec<(f64, f64)>,
    /// Data flows from `from` to `to` (arrow at the end).
    pub forward: bool,
    /// Data flows from `to` to `from` (arrow at the start).
    pub backward: bool,
    /// Only file or manual transfers.
    pub manual: bool,
    pub label: Label,
}

#[derive(Debug, Clone)]
pub struct Header {
    pub x: f64,
    /// Baseline of the text.
    pub y: f64,
    pub text: String,
}

#[derive(Debug, Clone)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    pub headers: Vec<Header>,
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() > max {
        s.chars().take(max - 1).collect::<String>() + "…"
    } else {
        s.to_string()
    }
}

/// One drawn edge per pair of tools, whatever the number of integrations
/// declared between them.
struct Link {
    a: usize,
    b: usize,
    forward: bool,
    backward: bool,
    manual: bool,
    labels: Vec<String>,
}

fn links(result: &AuditResult, index: &HashMap<&str, usize>) -> Vec<Link> {
    let mut links: Vec<Link> = Vec::new();
    let mut by_pair: HashMap<(usize, usize), usize> = HashMap::new();
    for e in &result.edges {
        let (source, target) = e.source_and_target();
        let (Some(&source), Some(&target)) = (index.get(source), index.get(target)) else {
            continue;
        };
        if source == target {
            continue;
        }
        let both = e.direction == "both";
        let key = (source.min(target), source.max(target));
        let i = *by_pair.entry(key).or_insert_with(|| {
            links.push(Link {
                a: source,
                b: target,
                forward: false,
                backward: false,
                manual: true,
                labels: Vec::new(),
            });
            links.len() - 1
        });
        let link = &mut links[i];
        let along = link.a == source;
        link.forward |= along || both;
        link.backward |= !along || both;
        link.manual &= e.method == "file" || e.method == "manual";
        let label = super::edge_label(e.method, &e.data);
        if !link.labels.contains(&label) {
            link.labels.push(label);
        }
    }
    links
}

/// Column of each connected tool: the longest path of data flow into it,
/// after turning the edges that close a cycle around.
fn layers(n: usize, links: &[Link]) -> (Vec<Option<usize>>, Vec<bool>) {
    let mut out: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    for (i, l) in links.iter().enumerate() {
        out[l.a].push((l.b, i));
        out[l.b].push((l.a, i));
    }
    // Depth-first search in inventory order orients every link: along the
    // drawn direction unless that would close a cycle.
    let mut state = vec![0u8; n]; // 0 new, 1 on the stack, 2 done
    let mut reversed = vec![false; links.len()];
    let mut oriented = vec![false; links.len()];
    for start in 0..n {
        if state[start] != 0 || out[start].is_empty() {
            continue;
        }
        let mut stack = vec![(start, 0usize)];
        state[start] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if *next < out[v].len() {
                let (w, li) = out[v][*next];
                *next += 1;
                if oriented[li] {
                    continue;
                }
                // Only follow links in their drawn direction from v.
                let drawn_from_v = links[li].a == v;
                if !drawn_from_v {
                    continue;
                }
                oriented[li] = true;
                match state[w] {
                    1 => reversed[li] = true,
                    0 => {
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    _ => {}
                }
            } else {
                state[v] = 2;
                stack.pop();
            }
        }
    }
    // Links never reached from their drawn source keep their direction:
    // every node was visited, so they cannot close a cycle.
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut indegree = vec![0usize; n];
    let mut succ: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, l) in links.iter().enumerate() {
        let (s, t) = if reversed[i] { (l.b, l.a) } else { (l.a, l.b) };
        preds[t].push(s);
        succ[s].push(t);
        indegree[t] += 1;
    }
    let mut layer: Vec<Option<usize>> = vec![None; n];
    let mut queue: VecDeque<usize> = (0..n)
        .filter(|&v| indegree[v] == 0 && !out[v].is_empty())
        .collect();
    while let Some(v) = queue.pop_front() {
        let l = preds[v]
            .iter()
            .filter_map(|&p| layer[p])
            .map(|l| l + 1)
            .max();
        layer[v] = Some(l.unwrap_or(0));
        for &w in &succ[v] {
            indegree[w] -= 1;
            if indegree[w] == 0 {
                queue.push_back(w);
            }
        }
    }
    (layer, reversed)
}

#[derive(Clone, Copy, PartialEq)]
enum SlotKind {
    Node(usize),
    /// Edge passing through; `true` where it carries its label.
    Edge(usize, bool),
    /// The caption above the tools without integrations.
    Caption,
}

/// Longest chain of data flow (in tools) the HTML report draws; beyond it the
/// picture is wider than any page and the report points to the DOT output.
pub const MAX_TOOL_COLUMNS: usize = 12;

/// The graph needs more columns than [`MAX_TOOL_COLUMNS`].
#[derive(Debug, Clone, Copy)]
pub struct TooDeep {
    pub columns: usize,
}

pub fn layout(
    result: &AuditResult,
    serious: &std::collections::HashSet<&str>,
) -> Result<Layout, TooDeep> {
    let tools: Vec<&ToolSummary> = result.tools.iter().collect();
    let index: HashMap<&str, usize> = tools
        .iter()
        .enumerate()
        .map(|(i, t)| (t.id.as_str(), i))
        .collect();
    let links = links(result, &index);
    let (layer, reversed) = layers(tools.len(), &links);
    let tool_columns = layer.iter().flatten().max().map_or(1, |m| m + 1);
    if tool_columns > MAX_TOOL_COLUMNS {
        return Err(TooDeep {
            columns: tool_columns,
        });
    }
    // Column 2k holds tools of layer k; column 2k+1 the labels after it.
    let columns = 2 * tool_columns - 1;
    let mut slots: Vec<Vec<SlotKind>> = vec![Vec::new(); columns];
    // Tools in a column start grouped by category, then in inventory order.
    let mut order: Vec<usize> = (0..tools.len()).collect();
    order.sort_by(|&a, &b| tools[a].category.cmp(tools[b].category).then(a.cmp(&b)));
    let mut orphans = Vec::new();
    for &v in &order {
        match layer[v] {
            Some(l) => slots[2 * l].push(SlotKind::Node(v)),
            None => orphans.push(v),
        }
    }
    // Each link's chain of columns, from the lower column to the higher.
    let mut chains: Vec<(usize, usize, usize, usize)> = Vec::new(); // (link, low node, high node, low col)
    for (i, l) in links.iter().enumerate() {
        let (s, t) = if reversed[i] { (l.b, l.a) } else { (l.a, l.b) };
        let (cs, ct) = (2 * layer[s].unwrap_or(0), 2 * layer[t].unwrap_or(0));
        let (low, high, cl, ch) = if cs <= ct {
            (s, t, cs, ct)
        } else {
            (t, s, ct, cs)
        };
        for (k, slot) in slots.iter_mut().enumerate().take(ch).skip(cl + 1) {
            slot.push(SlotKind::Edge(i, k == cl + 1));
        }
        chains.push((i, low, high, cl));
    }
    // Neighbours of each slot in the columns either side, for ordering.
    type Key = (usize, (usize, usize));
    let key = |s: SlotKind| match s {
        SlotKind::Node(v) => (0usize, v),
        SlotKind::Edge(i, _) => (1usize, i),
        SlotKind::Caption => (2usize, 0),
    };
    let mut left: HashMap<Key, Vec<Key>> = HashMap::new();
    let mut right: HashMap<Key, Vec<Key>> = HashMap::new();
    for &(i, low, high, cl) in &chains {
        let ch = 2 * layer[high].unwrap_or(0);
        let mut chain: Vec<Key> = vec![(cl, (0, low))];
        chain.extend((cl + 1..ch).map(|c| (c, (1, i))));
        chain.push((ch, (0, high)));
        for pair in chain.windows(2) {
            right.entry(pair[0]).or_default().push(pair[1]);
            left.entry(pair[1]).or_default().push(pair[0]);
        }
    }
    let mut pos: HashMap<Key, f64> = HashMap::new();
    for (c, col) in slots.iter().enumerate() {
        for (r, s) in col.iter().enumerate() {
            pos.insert((c, key(*s)), r as f64);
        }
    }
    // Barycentre sweeps reduce crossings; ties keep the current order.
    for sweep in 0..8 {
        let towards_left = sweep % 2 == 0;
        let range: Vec<usize> = if towards_left {
            (1..columns).collect()
        } else {
            (0..columns.saturating_sub(1)).rev().collect()
        };
        let adjacent = if towards_left { &left } else { &right };
        for c in range {
            let mut keyed: Vec<(f64, usize, SlotKind)> = slots[c]
                .iter()
                .enumerate()
                .map(|(r, s)| {
                    let values: Vec<f64> = adjacent
                        .get(&(c, key(*s)))
                        .into_iter()
                        .flatten()
                        .filter_map(|k| pos.get(k).copied())
                        .collect();
                    let b = if values.is_empty() {
                        r as f64
                    } else {
                        values.iter().sum::<f64>() / values.len() as f64
                    };
                    (b, r, *s)
                })
                .collect();
            keyed.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
            slots[c] = keyed.into_iter().map(|k| k.2).collect();
            for (r, s) in slots[c].iter().enumerate() {
                pos.insert((c, key(*s)), r as f64);
            }
        }
    }

    // Tools without integrations go to the foot of the shortest tool column.
    if !orphans.is_empty() {
        let height = |col: &Vec<SlotKind>| {
            col.iter()
                .map(|s| match s {
                    SlotKind::Node(_) => NODE_H + NODE_GAP,
                    _ => PASS_SLOT,
                })
                .sum::<f64>()
        };
        let shortest = (0..tool_columns)
            .map(|l| 2 * l)
            .min_by(|&a, &b| {
                height(&slots[a])
                    .total_cmp(&height(&slots[b]))
                    .then(b.cmp(&a))
            })
            .unwrap_or(0);
        if !slots[shortest].is_empty() {
            slots[shortest].push(SlotKind::Caption);
        }
        slots[shortest].extend(orphans.iter().map(|&v| SlotKind::Node(v)));
    }

    // Column widths and x positions.
    let label_text = |i: usize| links[i].labels.join("; ");
    let mut widths = vec![0.0f64; columns];
    for (c, col) in slots.iter().enumerate() {
        widths[c] = if c % 2 == 0 {
            NODE_W
        } else {
            col.iter()
                .filter_map(|s| match s {
                    SlotKind::Edge(i, true) => Some(label_width(&label_text(*i))),
                    _ => None,
                })
                .fold(24.0, f64::max)
        };
    }
    let mut xs = vec![0.0f64; columns];
    let mut x = MARGIN;
    for c in 0..columns {
        xs[c] = x;
        x += widths[c] + COLUMN_GAP;
    }
    let width = x - COLUMN_GAP + MARGIN;

    // Heights: slots stacked, each column centred on the tallest.
    let pitch = |s: SlotKind| match s {
        SlotKind::Node(_) => NODE_H + NODE_GAP,
        SlotKind::Edge(_, true) => LABEL_SLOT,
        SlotKind::Edge(_, false) => PASS_SLOT,
        SlotKind::Caption => CAPTION_SLOT,
    };
    let column_height = |col: &Vec<SlotKind>| col.iter().map(|s| pitch(*s)).sum::<f64>();
    let tallest = slots.iter().map(column_height).fold(0.0, f64::max);
    let mut centre_y: HashMap<(usize, (usize, usize)), f64> = HashMap::new();
    let mut top_y: HashMap<(usize, (usize, usize)), f64> = HashMap::new();
    for (c, col) in slots.iter().enumerate() {
        let mut y = TOP + (tallest - column_height(col)) / 2.0;
        for s in col {
            let p = pitch(*s);
            top_y.insert((c, key(*s)), y);
            let centre = match s {
                SlotKind::Node(_) => y + NODE_H / 2.0,
                _ => y + p / 2.0,
            };
            centre_y.insert((c, key(*s)), centre);
            y += p;
        }
    }
    let height = TOP + tallest + MARGIN;

    let mut nodes = Vec::new();
    for (c, col) in slots.iter().enumerate() {
        for s in col {
            if let SlotKind::Node(v) = s {
                let t = tools[*v];
                let mut detail = t.category.to_string();
                if t.status != "active" {
                    detail = format!("{detail} · {}", t.status);
                }
                nodes.push(Node {
                    id: t.id.to_string(),
                    name: t.name.to_string(),
                    label: cut(&t.name, NAME_MAX_CHARS),
                    detail,
                    x: xs[c],
                    y: top_y[&(c, key(*s))],
                    serious: serious.contains(t.id.as_str()),
                    retiring: t.status == "retiring",
                });
            }
        }
    }
    nodes.sort_by(|a, b| a.id.cmp(&b.id));

    let mut edges = Vec::new();
    for &(i, low, high, cl) in &chains {
        let l = &links[i];
        let ch = 2 * layer[high].unwrap_or(0);
        let low_y = centre_y[&(cl, (0, low))];
        let high_y = centre_y[&(ch, (0, high))];
        let mut points = vec![(xs[cl] + NODE_W, low_y)];
        let mut label = None;
        for c in cl + 1..ch {
            let y = centre_y[&(c, (1, i))];
            points.push((xs[c], y));
            points.push((xs[c] + widths[c], y));
            if c == cl + 1 {
                let full = label_text(i);
                let text = cut(&full, LABEL_MAX_CHARS);
                let w = label_width(&full);
                label = Some(Label {
                    full,
                    text,
                    x: xs[c] + (widths[c] - w) / 2.0,
                    y: y - LABEL_H / 2.0,
                    width: w,
                    height: LABEL_H,
                });
            }
        }
        points.push((xs[ch], high_y));
        // The drawn direction runs from the lower column to the higher one.
        let low_is_a = l.a == low;
        let (from, to) = (tools[low].id.to_string(), tools[high].id.to_string());
        let (forward, backward) = if low_is_a {
            (l.forward, l.backward)
        } else {
            (l.backward, l.forward)
        };
        edges.push(Edge {
            from,
            to,
            points,
            forward,
            backward,
            manual: l.manual,
            label: label.expect("tool columns are two apart, so every edge has a label column"),
        });
    }

    let mut headers = vec![Header {
        x: xs[0],
        y: 18.0,
        text: "Data flows from left to right".into(),
    }];
    for (c, col) in slots.iter().enumerate() {
        if col.contains(&SlotKind::Caption) {
            headers.push(Header {
                x: xs[c],
                y: top_y[&(c, key(SlotKind::Caption))] + CAPTION_SLOT - 6.0,
                text: ORPHAN_CAPTION.into(),
            });
        }
    }
    if links.is_empty() {
        headers[0].text = ORPHAN_CAPTION.into();
    }
    Ok(Layout {
        width,
        height,
        nodes,
        edges,
        headers,
    })
}

fn label_width(full: &str) -> f64 {
    (full.chars().count().min(LABEL_MAX_CHARS) as f64) * LABEL_CHAR_W + 8.0
}
