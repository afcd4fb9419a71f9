//! The integration graph and where data ends up.
//!
//! For each data class, the *origins* are the tools that declare it, plus
//! every tool that sends it on an integration's explicit `data` list while
//! neither declaring it nor receiving it (transitively) from a tool that
//! declares it: an integration's `data` list is a claim about its source. A
//! tool *holds* a class when an origin reaches it over integrations that carry
//! the class (an integration without a `data` list carries everything its
//! source holds).
//!
//! Provenance is a shortest simple path from the nearest origin other than
//! the tool itself, found by breadth-first search from all origins at once,
//! per class (six classes). Each tool keeps the set of its nearest origins,
//! capped at [`ORIGIN_CAP`] by tool id, so the whole computation is linear in
//! tools plus integrations and independent of the order of the file: ties are
//! broken by tool id, never by position.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};

use foldhash::HashMapExt;
use rayon::prelude::*;

use super::model::{DataClass, DataSet, Direction, Inventory, Method};
use crate::shared_str::SharedStr;

/// How many nearest origins a tool remembers per class (the ones with the
/// smallest ids); beyond that a finding says "and more than N more".
pub const ORIGIN_CAP: usize = 64;
/// Origins named in one provenance text; the rest are counted.
pub const ORIGINS_NAMED: usize = 5;
/// Tools shown at the end of a long path ("crm → … → ma → chat").
const PATH_TAIL: usize = 6;
/// Path steps are remembered through tools with more incoming integrations.
const MEMO_IN_DEGREE: usize = 32;

/// A directed data flow as one of its two tools sees it: the tool at the
/// other end (by index) and what the flow may carry. Each tool's flows are
/// held inline in its own list, so a walk over them reads one contiguous
/// list instead of looking every flow up in a shared table.
#[derive(Clone, Copy, Debug)]
pub struct Hop {
    pub tool: u32,
    /// `None`: everything the source holds.
    pub data: Option<DataSet>,
}

impl Hop {
    fn other(self) -> usize {
        self.tool as usize
    }

    /// Whether the flow may carry `class` (when its source holds it).
    fn may_carry(self, class: DataClass) -> bool {
        self.data.is_none_or(|d| d.contains(class))
    }

    /// Whether the flow carries `class`: its source holds it and the flow
    /// may carry it.
    fn carries(self, class: DataClass, source_holds: bool) -> bool {
        source_holds && self.may_carry(class)
    }

    /// Whether `class` is named on the flow's explicit `data` list.
    fn lists(self, class: DataClass) -> bool {
        self.data.is_some_and(|d| d.contains(class))
    }
}

/// Every tool's id by index, side by side in one string. Provenance paths
/// name tools from all over the stack, and an id read from its tool's own
/// allocation cost a cache miss apiece: most of the time spent describing
/// the paths of a large stack (BENCHMARKS.md, "Fourteenth round").
struct PackedIds {
    text: String,
    /// Where each tool's id ends in `text`; it starts where the previous ends.
    ends: Vec<usize>,
}

impl PackedIds {
    fn new(inv: &Inventory) -> PackedIds {
        let mut text = String::new();
        let ends = inv
            .tools
            .iter()
            .map(|t| {
                text.push_str(&t.id);
                text.len()
            })
            .collect();
        PackedIds { text, ends }
    }

    fn get(&self, tool: usize) -> &str {
        let start = tool.checked_sub(1).map_or(0, |before| self.ends[before]);
        &self.text[start..self.ends[tool]]
    }
}

/// An integration between two tools of the stack, by their indices.
struct Resolved {
    from: u32,
    to: u32,
    direction: Direction,
    method: Method,
    data: Option<DataSet>,
}

/// The nearest origins of a class at one distance: ranks (positions in id
/// order), sorted, at most [`ORIGIN_CAP`], and whether more were cut off.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Origins {
    distance: u32,
    /// Shared: a tool reached from one predecessor holds that one's set,
    /// and a hub's set would otherwise be copied to each of its spokes.
    ranks: Arc<[u32]>,
    saturated: bool,
}

impl Origins {
    /// Adds `other`'s origins (at the same distance) but `skip`, keeping the
    /// smallest.
    fn merge(&mut self, other: &Arc<[u32]>, skip: Option<u32>, other_saturated: bool) {
        if self.ranks.is_empty() && skip.is_none_or(|s| other.binary_search(&s).is_err()) {
            self.ranks = Arc::clone(other);
            self.saturated |= other_saturated;
            return;
        }
        let mut merged = Vec::with_capacity((self.ranks.len() + other.len()).min(ORIGIN_CAP));
        let (mut i, mut j) = (0, 0);
        let past_skipped = |j: &mut usize| {
            while *j < other.len() && Some(other[*j]) == skip {
                *j += 1;
            }
        };
        past_skipped(&mut j);
        while merged.len() < ORIGIN_CAP && (i < self.ranks.len() || j < other.len()) {
            let next = match (self.ranks.get(i), other.get(j)) {
                (Some(&a), Some(&b)) if a == b => {
                    i += 1;
                    j += 1;
                    a
                }
                (Some(&a), Some(&b)) if a < b => {
                    i += 1;
                    a
                }
                (Some(_), Some(&b)) | (None, Some(&b)) => {
                    j += 1;
                    b
                }
                (Some(&a), None) => {
                    i += 1;
                    a
                }
                (None, None) => break,
            };
            merged.push(next);
            past_skipped(&mut j);
        }
        self.saturated |= other_saturated || i < self.ranks.len() || j < other.len();
        self.ranks = merged.into();
    }
}

/// The nearest origins of a tool other than one origin `x`: its own nearest
/// set less `x`, or, when `x` is its only nearest origin, its second set.
struct Others<'a> {
    origins: &'a Origins,
    /// `x`, when `origins` is the tool's nearest set (which holds it).
    skip: Option<u32>,
}

impl Others<'_> {
    fn contains(&self, rank: u32) -> bool {
        Some(rank) != self.skip && self.origins.ranks.binary_search(&rank).is_ok()
    }

    /// Whether the set is the tool's nearest one (a path through the tool
    /// then follows nearest sets, not second ones).
    fn is_nearest(&self) -> bool {
        self.skip.is_some()
    }
}

/// Per class: who holds it, who originates it, and the nearest origins.
#[derive(Clone, Debug, Default)]
struct ClassFlow {
    holds: Vec<bool>,
    /// Tools that send the class without declaring or receiving it.
    outflow_origin: Vec<bool>,
    /// Nearest origins (distance 0 for an origin itself).
    nearest: OriginTable,
    /// For tools whose nearest origin is a single tool `x`: the nearest
    /// origins other than `x` (so an origin finds where else it gets the class).
    second: OriginTable,
}

/// Per tool, a set of origins of one class, if any.
type OriginTable = Vec<Option<Origins>>;

/// Where a class a tool holds came from: the nearest origins other than the
/// tool, with one shortest path from each of the first few.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provenance {
    /// Shortest distance in integrations.
    pub distance: u32,
    /// Up to [`ORIGINS_NAMED`] paths, each from an origin to the tool, by
    /// origin id. A path longer than fits is `Path::Elided`.
    pub paths: Vec<Path>,
    /// Nearest origins not named in `paths`.
    pub more: usize,
    /// `more` is a lower bound: the origin set was capped.
    pub more_is_lower_bound: bool,
}

/// Provenance in words, and the tools on the paths shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProvenanceText {
    pub text: String,
    /// Characters in `text`, so messages can measure it without counting.
    pub chars: usize,
    /// Tool indices, sorted by id, without the tool itself.
    pub related: Vec<usize>,
}

/// A path of tool indices from an origin to the tool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Path {
    Whole(Vec<usize>),
    /// The origin, how many tools were left out, and the path's last tools.
    Elided {
        origin: usize,
        skipped: u32,
        tail: Vec<usize>,
    },
}

impl Path {
    pub fn origin(&self) -> usize {
        match self {
            Path::Whole(p) => p[0],
            Path::Elided { origin, .. } => *origin,
        }
    }

    /// Every tool shown on the path, in order, without allocating.
    pub fn shown(&self) -> impl Iterator<Item = usize> + '_ {
        let (head, rest): (Option<usize>, &[usize]) = match self {
            Path::Whole(p) => (None, p),
            Path::Elided { origin, tail, .. } => (Some(*origin), tail),
        };
        head.into_iter().chain(rest.iter().copied())
    }
}

/// A list per tool, all in one array: tool `i`'s list is
/// `items[start[i]..start[i + 1]]`. One allocation for the whole stack
/// instead of one per tool, which a stack of many tools notices.
#[derive(Clone, Debug)]
pub struct PerTool<T> {
    start: Vec<usize>,
    items: Vec<T>,
}

impl<T: Copy> PerTool<T> {
    /// The lists that `items` makes by calling `put(tool, item)` for each
    /// item in order. `items` runs twice, alike: once to count each tool's
    /// items, once to place them, so no list of pairs is held on the way.
    fn build(tools: usize, items: impl Fn(&mut dyn FnMut(usize, T))) -> PerTool<T> {
        let mut start = vec![0; tools + 1];
        let mut any = None;
        items(&mut |t, item| {
            start[t + 1] += 1;
            any.get_or_insert(item);
        });
        for t in 0..tools {
            start[t + 1] += start[t];
        }
        let Some(filler) = any else {
            return PerTool {
                start,
                items: Vec::new(),
            };
        };
        // Every slot is written below; `filler` only sizes the list.
        let mut list = vec![filler; start[tools]];
        let mut next = start.clone();
        items(&mut |t, item| {
            list[next[t]] = item;
            next[t] += 1;
        });
        PerTool { start, items: list }
    }
}

impl<T> PerTool<T> {
    /// How many tools have a list (some of them empty).
    pub fn tools(&self) -> usize {
        self.start.len() - 1
    }
}

impl<T> std::ops::Index<usize> for PerTool<T> {
    type Output = [T];

    fn index(&self, tool: usize) -> &[T] {
        &self.items[self.start[tool]..self.start[tool + 1]]
    }
}

pub struct DataFlow {
    pub index: foldhash::HashMap<SharedStr, usize>,
    /// The flows leaving each tool (to the tool named) and entering it
    /// (from the tool named).
    pub outgoing: PerTool<Hop>,
    pub incoming: PerTool<Hop>,
    /// For each tool, the tools it is integrated with (either side declared
    /// it) and how: one entry per integration that touches it.
    pub links: PerTool<(usize, Method)>,
    /// What each tool holds: declared, received, or sent as an origin.
    pub effective: Vec<DataSet>,
    /// Position of each tool in id order: ties are broken by id.
    rank: Vec<u32>,
    /// Tool index by rank.
    by_rank: Vec<usize>,
    ids: PackedIds,
    classes: Vec<ClassFlow>,
    /// Provenance per tool and class, computed on first use (several checks
    /// ask for the same one) or all at once by [`DataFlow::prepare_provenance`].
    /// Boxed: most slots stay empty, and a large stack has many tools.
    provenance: PerClass<Provenance>,
    /// The same, in words, with the tools on the paths shown.
    provenance_text: PerClass<ProvenanceText>,
    /// Tools with a data-flow path to or from the system of record.
    pub connected_to_sor: Option<Vec<bool>>,
    /// Path steps already taken, shared by the paths through them, for
    /// provenance found on first use.
    steps: Mutex<StepMemo>,
}

/// Per class, a slot per tool, each class's table made on first use: an
/// audit asks only for the classes its tools receive, and a large stack
/// has many tools.
struct PerClass<T> {
    tools: usize,
    tables: [OnceLock<Box<[Slot<T>]>>; 6],
}

/// One tool's value of one class, computed on first use (`None`: there is none).
type Slot<T> = OnceLock<Option<Box<T>>>;

impl<T> PerClass<T> {
    fn new(tools: usize) -> Self {
        PerClass {
            tools,
            tables: Default::default(),
        }
    }

    fn slot(&self, tool: usize, class: DataClass) -> Option<&Slot<T>> {
        self.tables[class as usize]
            .get_or_init(|| (0..self.tools).map(|_| OnceLock::new()).collect())
            .get(tool)
    }
}

/// Path steps already taken (see [`DataFlow::path_from`]).
type StepMemo = foldhash::HashMap<StepKey, Step>;

impl DataFlow {
    pub fn compute(inv: &Inventory) -> DataFlow {
        let n = inv.tools.len();
        let mut index = foldhash::HashMap::with_capacity(n);
        for (i, t) in inv.tools.iter().enumerate() {
            index.entry(t.id.clone()).or_insert(i);
        }
        // Each integration between two tools of the stack, its target looked
        // up once: the lists below read them six times.
        let resolved: Vec<Resolved> = inv
            .tools
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, t)| {
                let index = &index;
                t.integrations.iter().filter_map(move |integ| {
                    let &j = index.get(integ.to.as_str())?;
                    (i != j).then_some(Resolved {
                        from: i as u32,
                        to: j as u32,
                        direction: integ.direction,
                        method: integ.method,
                        data: integ.data,
                    })
                })
            })
            .collect();
        let sends = |d: Direction| matches!(d, Direction::Out | Direction::Both);
        let receives = |d: Direction| matches!(d, Direction::In | Direction::Both);
        // Every flow the integrations make, as (source, target, data).
        let flows = |put: &mut dyn FnMut(u32, u32, Option<DataSet>)| {
            for r in &resolved {
                if sends(r.direction) {
                    put(r.from, r.to, r.data);
                }
                if receives(r.direction) {
                    put(r.to, r.from, r.data);
                }
            }
        };
        let outgoing = PerTool::build(n, |put| {
            flows(&mut |from, to, data| put(from as usize, Hop { tool: to, data }));
        });
        let incoming = PerTool::build(n, |put| {
            flows(&mut |from, to, data| put(to as usize, Hop { tool: from, data }));
        });
        let links = PerTool::build(n, |put| {
            for r in &resolved {
                put(r.from as usize, (r.to as usize, r.method));
                put(r.to as usize, (r.from as usize, r.method));
            }
        });
        drop(resolved);
        let ids = PackedIds::new(inv);
        let mut by_rank: Vec<usize> = (0..n).collect();
        by_rank.sort_by(|&a, &b| ids.get(a).cmp(ids.get(b)).then(a.cmp(&b)));
        let mut rank = vec![0u32; n];
        for (r, &i) in by_rank.iter().enumerate() {
            rank[i] = r as u32;
        }

        let mut flow = DataFlow {
            index,
            outgoing,
            incoming,
            links,
            effective: vec![DataSet::EMPTY; n],
            rank,
            by_rank,
            ids,
            classes: Vec::new(),
            provenance: PerClass::new(n),
            provenance_text: PerClass::new(n),
            connected_to_sor: None,
            steps: Default::default(),
        };
        // The classes flow independently of each other.
        let classes: Vec<ClassFlow> = DataClass::ALL
            .par_iter()
            .map(|&class| {
                let declared: Vec<bool> =
                    inv.tools.iter().map(|t| t.data.contains(class)).collect();
                flow.class_flow(class, &declared)
            })
            .collect();
        for (&class, cf) in DataClass::ALL.iter().zip(&classes) {
            for (i, held) in cf.holds.iter().enumerate() {
                if *held {
                    flow.effective[i].insert(class);
                }
            }
        }
        flow.classes = classes;
        if let Some(&sor) = inv
            .policy
            .system_of_record
            .as_ref()
            .and_then(|s| flow.index.get(s.as_str()))
        {
            let downstream = flow.reach(sor, true);
            let upstream = flow.reach(sor, false);
            flow.connected_to_sor = Some(
                downstream
                    .iter()
                    .zip(&upstream)
                    .map(|(a, b)| *a || *b)
                    .collect(),
            );
        }
        flow
    }

    fn class_flow(&self, class: DataClass, declared: &[bool]) -> ClassFlow {
        let n = declared.len();
        // Who receives the class from a tool that declares it.
        let mut holds = declared.to_vec();
        self.spread(class, &mut holds);
        // Who sends it on an explicit list without holding it: an origin too.
        let outflow_origin: Vec<bool> = (0..n)
            .map(|i| !holds[i] && self.outgoing[i].iter().any(|h| h.lists(class)))
            .collect();
        let origin: Vec<bool> = (0..n).map(|i| declared[i] || outflow_origin[i]).collect();
        if !origin.contains(&true) {
            // Nobody holds the class: no tables for its origins. A large
            // stack that uses few classes would otherwise hold them for all.
            return ClassFlow {
                holds: origin,
                outflow_origin,
                nearest: Vec::new(),
                second: Vec::new(),
            };
        }
        let mut holds = origin.clone();
        self.spread(class, &mut holds);

        // Nearest origins, breadth first from all origins at once. A tool's
        // set is the union of those of its predecessors one step closer.
        let mut nearest: Vec<Option<Origins>> = vec![None; n];
        let mut queue = VecDeque::new();
        for i in (0..n).filter(|&i| origin[i]) {
            nearest[i] = Some(Origins {
                distance: 0,
                ranks: Arc::new([self.rank[i]]),
                saturated: false,
            });
            queue.push_back(i);
        }
        while let Some(v) = queue.pop_front() {
            // Taken out while its successors are updated (no tool integrates
            // with itself), so the set is not copied per edge.
            let here = nearest[v].take().expect("queued tools have origins");
            for h in &self.outgoing[v] {
                if !h.carries(class, holds[v]) {
                    continue;
                }
                let w = h.other();
                match &mut nearest[w] {
                    None => {
                        nearest[w] = Some(Origins {
                            distance: here.distance + 1,
                            ranks: here.ranks.clone(),
                            saturated: here.saturated,
                        });
                        queue.push_back(w);
                    }
                    Some(o) if o.distance == here.distance + 1 => {
                        o.merge(&here.ranks, None, here.saturated)
                    }
                    Some(_) => {}
                }
            }
            nearest[v] = Some(here);
        }

        // For tools whose nearest origin is one tool `x`: the nearest origins
        // other than `x`. Unit weights, but a tool's value can come from a
        // predecessor's first or second set, so a heap orders the settling.
        let single = |i: usize| -> Option<u32> {
            nearest[i]
                .as_ref()
                .filter(|o| o.ranks.len() == 1 && !o.saturated)
                .map(|o| o.ranks[0])
        };
        let mut second: Vec<Option<Origins>> = vec![None; n];
        let mut best = vec![u32::MAX; n];
        let mut heap = BinaryHeap::new();
        #[allow(clippy::needless_range_loop)] // `v` indexes several tables
        for v in 0..n {
            let Some(x) = single(v) else { continue };
            for h in &self.incoming[v] {
                let w = h.other();
                if !h.carries(class, holds[w]) {
                    continue;
                }
                if let Some(o) = &nearest[w]
                    && o.ranks.iter().any(|&r| r != x)
                {
                    best[v] = best[v].min(o.distance + 1);
                }
            }
            if best[v] != u32::MAX {
                heap.push(Reverse((best[v], v)));
            }
        }
        let mut settled = vec![false; n];
        let mut order = Vec::new();
        while let Some(Reverse((d, v))) = heap.pop() {
            if settled[v] || d != best[v] {
                continue;
            }
            settled[v] = true;
            order.push(v);
            let x = single(v);
            for h in &self.outgoing[v] {
                if !h.carries(class, holds[v]) {
                    continue;
                }
                let w = h.other();
                if single(w) == x && !settled[w] && d + 1 < best[w] {
                    best[w] = d + 1;
                    heap.push(Reverse((d + 1, w)));
                }
            }
        }
        // Sets in order of distance, so each predecessor's is ready.
        for &v in &order {
            let x = single(v).expect("only single-origin tools are settled");
            let mut acc = Origins {
                distance: best[v],
                ranks: Arc::default(),
                saturated: false,
            };
            for h in &self.incoming[v] {
                let w = h.other();
                if !h.carries(class, holds[w]) {
                    continue;
                }
                if let Some(others) = excluding(&nearest, &second, w, x)
                    && others.origins.distance + 1 == acc.distance
                {
                    acc.merge(&others.origins.ranks, others.skip, others.origins.saturated);
                }
            }
            second[v] = Some(acc);
        }
        ClassFlow {
            holds,
            outflow_origin,
            nearest,
            second,
        }
    }

    /// Marks every tool reached from a holder over edges that carry `class`.
    fn spread(&self, class: DataClass, holds: &mut [bool]) {
        let mut stack: Vec<usize> = (0..holds.len()).filter(|&i| holds[i]).collect();
        while let Some(v) = stack.pop() {
            for h in &self.outgoing[v] {
                let w = h.other();
                if !holds[w] && h.may_carry(class) {
                    holds[w] = true;
                    stack.push(w);
                }
            }
        }
    }

    /// Tools reachable from `start` following (or, with `forward = false`,
    /// against) integrations that can carry data: one whose `data` list is
    /// empty or only `public` is no path for personal or customer data.
    fn reach(&self, start: usize, forward: bool) -> Vec<bool> {
        let carries_something = |h: &Hop| {
            h.data
                .is_none_or(|d| !d.minus(DataSet::of(&[DataClass::Public])).is_empty())
        };
        let mut seen = vec![false; self.links.tools()];
        seen[start] = true;
        let mut stack = vec![start];
        while let Some(v) = stack.pop() {
            let adjacent = if forward {
                &self.outgoing[v]
            } else {
                &self.incoming[v]
            };
            for h in adjacent {
                if !carries_something(h) {
                    continue;
                }
                let w = h.other();
                if !seen[w] {
                    seen[w] = true;
                    stack.push(w);
                }
            }
        }
        seen
    }

    /// Data classes a tool holds beyond what it declares: received through
    /// integrations, or sent on them as their origin.
    pub fn inherited(&self, inv: &Inventory, tool: usize) -> DataSet {
        self.effective[tool].minus(inv.tools[tool].data)
    }

    /// Classes that reach the tool from another origin without being declared.
    pub fn received_undeclared(&self, inv: &Inventory, tool: usize) -> DataSet {
        let mut out = DataSet::EMPTY;
        for class in self.inherited(inv, tool).iter() {
            if self.source_of(tool, class).is_some() {
                out.insert(class);
            }
        }
        out
    }

    /// Classes the tool sends on integrations' `data` lists without declaring
    /// or receiving them: it is their origin.
    pub fn undeclared_outflow(&self, tool: usize) -> DataSet {
        let mut out = DataSet::EMPTY;
        for &class in DataClass::ALL {
            if self.classes[class as usize].outflow_origin[tool] {
                out.insert(class);
            }
        }
        out
    }

    /// The tools a tool sends `class` to on explicit `data` lists, by id.
    pub fn explicit_receivers(&self, inv: &Inventory, tool: usize, class: DataClass) -> Vec<usize> {
        let mut out: Vec<usize> = self.outgoing[tool]
            .iter()
            .filter(|h| h.lists(class))
            .map(|h| h.other())
            .collect();
        out.sort_by(|&a, &b| inv.tools[a].id.cmp(&inv.tools[b].id));
        out.dedup();
        out
    }

    /// The nearest origins of `class` other than `tool` itself, for a class
    /// the tool holds without declaring it.
    fn source_of(&self, tool: usize, class: DataClass) -> Option<(&Origins, bool)> {
        let cf = &self.classes[class as usize];
        let near = cf.nearest.get(tool)?.as_ref()?;
        if near.distance > 0 {
            return Some((near, true));
        }
        cf.second.get(tool)?.as_ref().map(|o| (o, false))
    }

    /// Where `class` came from into `tool`: `None` when the tool declares it
    /// or no other origin reaches it.
    pub fn provenance(
        &self,
        inv: &Inventory,
        tool: usize,
        class: DataClass,
    ) -> Option<&Provenance> {
        self.provenance
            .slot(tool, class)?
            .get_or_init(|| {
                let mut steps = self.steps.lock().unwrap_or_else(|e| e.into_inner());
                self.find_provenance(inv, tool, class, &mut steps)
                    .map(Box::new)
            })
            .as_deref()
    }

    /// "pii from `crm` via crm → ma and from `cdp` via cdp → ma", and the
    /// tools on those paths other than `tool` (sorted by id, no repeats).
    pub fn provenance_text(
        &self,
        inv: &Inventory,
        tool: usize,
        class: DataClass,
    ) -> Option<&ProvenanceText> {
        self.provenance_text
            .slot(tool, class)?
            .get_or_init(|| {
                let p = self.provenance(inv, tool, class)?;
                Some(Box::new(self.describe_provenance(tool, class, p)))
            })
            .as_deref()
    }

    /// Describes the provenance of every class every tool holds without
    /// declaring it, spread over the cores: the data checks ask for nearly
    /// all of them, and each is independent of the others.
    pub fn prepare_provenance(&self, inv: &Inventory) {
        (0..inv.tools.len())
            .into_par_iter()
            .for_each_init(StepMemo::default, |steps, tool| {
                for class in self.inherited(inv, tool).iter() {
                    // Only the text is kept: the checks need no more, and a
                    // large stack's paths would take much memory.
                    let Some(slot) = self.provenance_text.slot(tool, class) else {
                        continue;
                    };
                    slot.get_or_init(|| {
                        let p = self.find_provenance(inv, tool, class, steps)?;
                        Some(Box::new(self.describe_provenance(tool, class, &p)))
                    });
                }
            });
    }

    fn describe_provenance(&self, tool: usize, class: DataClass, p: &Provenance) -> ProvenanceText {
        let mut related = Vec::new();
        let mut text = format!("{class} ");
        let last = p.paths.len().saturating_sub(1);
        for (i, path) in p.paths.iter().enumerate() {
            related.extend(path.shown().filter(|&i| i != tool));
            // A message holding this text is cut before further paths.
            if crate::diagnostic::overflows_message(&text) {
                continue;
            }
            if i > 0 {
                text.push_str(if i == last { " and " } else { ", " });
            }
            text.push_str("from `");
            text.push_str(self.ids.get(path.origin()));
            text.push_str("` via ");
            write_path(&mut text, |t| self.ids.get(t), path);
        }
        if p.more > 0 {
            let at_least = if p.more_is_lower_bound {
                "at least "
            } else {
                ""
            };
            text.push_str(&format!(" and {at_least}{} more", p.more));
        }
        self.sort_by_id(&mut related);
        related.dedup();
        ProvenanceText {
            chars: text.chars().count(),
            text,
            related,
        }
    }

    /// Sorts tool indices by id (ranks are id order), without comparing strings.
    pub fn sort_by_id(&self, tools: &mut [usize]) {
        tools.sort_unstable_by_key(|&t| self.rank[t]);
    }

    fn find_provenance(
        &self,
        inv: &Inventory,
        tool: usize,
        class: DataClass,
        steps: &mut StepMemo,
    ) -> Option<Provenance> {
        if inv.tools[tool].data.contains(class) {
            return None;
        }
        let (origins, first_set) = self.source_of(tool, class)?;
        let named: Vec<u32> = origins.ranks.iter().take(ORIGINS_NAMED).copied().collect();
        let paths = named
            .iter()
            .map(|&r| self.path_from(tool, class, r, first_set, steps))
            .collect();
        Some(Provenance {
            distance: origins.distance,
            paths,
            more: origins.ranks.len() - named.len(),
            more_is_lower_bound: origins.saturated,
        })
    }

    /// One shortest path from the origin of rank `origin` to `tool`, walked
    /// backwards choosing the predecessor with the smallest id; at most
    /// [`PATH_TAIL`] steps are walked, the rest is elided.
    fn path_from(
        &self,
        tool: usize,
        class: DataClass,
        origin: u32,
        first_set: bool,
        steps: &mut StepMemo,
    ) -> Path {
        let cf = &self.classes[class as usize];
        let origin_tool = self.by_rank[origin as usize];
        // Which set a tool's distance is read from: its nearest, or (for a
        // chain of tools whose nearest is `x`) the nearest other than `x`.
        let mut excluded: Option<u32> = if first_set {
            None
        } else {
            Some(self.rank[tool])
        };
        let mut distance = match excluded {
            None => cf.nearest[tool].as_ref().map_or(0, |o| o.distance),
            Some(_) => cf.second[tool].as_ref().map_or(0, |o| o.distance),
        };
        let mut tail = vec![tool];
        let mut current = tool;
        while distance > 1 && tail.len() <= PATH_TAIL {
            let key = StepKey {
                tool: current as u32,
                class: class as u8,
                origin,
                excluded,
                distance,
            };
            // Many paths pass through one hub; its step towards an origin is
            // the same for all of them, and finding it reads every edge into
            // the hub, so it is found once. A tool with few incoming edges is
            // quicker to read again than to look up.
            let step = if self.incoming[current].len() > MEMO_IN_DEGREE {
                *steps.entry(key).or_insert_with(|| {
                    self.step_towards(current, class, origin, excluded, distance)
                })
            } else {
                self.step_towards(current, class, origin, excluded, distance)
            };
            let Some((w, next_excluded)) = step else {
                break;
            };
            tail.push(w);
            current = w;
            excluded = next_excluded;
            distance -= 1;
        }
        if distance <= 1 {
            tail.push(origin_tool);
            tail.reverse();
            Path::Whole(tail)
        } else {
            tail.reverse();
            Path::Elided {
                origin: origin_tool,
                skipped: distance - 1,
                tail,
            }
        }
    }
}

/// One step of a path (see [`DataFlow::path_from`]): the tool before
/// `tool` on a shortest path from `origin`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct StepKey {
    tool: u32,
    class: u8,
    origin: u32,
    excluded: Option<u32>,
    distance: u32,
}

/// The chosen previous tool, and the origin still excluded past it.
type Step = Option<(usize, Option<u32>)>;

impl DataFlow {
    /// Among the tools sending the class into `current` at `distance - 1`
    /// from `origin` (in the set `excluded` selects), the one first by id.
    fn step_towards(
        &self,
        current: usize,
        class: DataClass,
        origin: u32,
        excluded: Option<u32>,
        distance: u32,
    ) -> Step {
        let cf = &self.classes[class as usize];
        let mut step: Option<(u32, usize, Option<u32>)> = None;
        for h in &self.incoming[current] {
            let w = h.other();
            if !h.carries(class, cf.holds[w]) {
                continue;
            }
            let candidate = match excluded {
                None => cf.nearest[w]
                    .as_ref()
                    .filter(|o| {
                        o.distance + 1 == distance && o.ranks.binary_search(&origin).is_ok()
                    })
                    .map(|_| None),
                // Past a tool that also has another origin, its nearest
                // set is the one to follow; else its second.
                Some(x) => excluding(&cf.nearest, &cf.second, w, x)
                    .filter(|o| o.origins.distance + 1 == distance && o.contains(origin))
                    .map(|o| if o.is_nearest() { None } else { Some(x) }),
            };
            if let Some(next_excluded) = candidate
                && step.is_none_or(|(r, _, _)| self.rank[w] < r)
            {
                step = Some((self.rank[w], w, next_excluded));
            }
        }
        step.map(|(_, w, next_excluded)| (w, next_excluded))
    }
}

/// "a", "a and b", "a, b and c".
/// "crm → ma → chat", or "crm → … (12 tools) → x → chat" for a long path.
pub fn describe_path(inv: &Inventory, path: &Path) -> String {
    let mut text = String::new();
    write_path(&mut text, |t| &inv.tools[t].id, path);
    text
}

/// [`describe_path`] appended to `text`, each tool's id read with `id`.
fn write_path<'a>(text: &mut String, id: impl Fn(usize) -> &'a str, path: &Path) {
    let ids = |text: &mut String, list: &[usize]| {
        for (i, &t) in list.iter().enumerate() {
            if i > 0 {
                text.push_str(" → ");
            }
            text.push_str(id(t));
        }
    };
    match path {
        Path::Whole(list) => ids(text, list),
        Path::Elided {
            origin,
            skipped,
            tail,
        } => {
            text.push_str(id(*origin));
            text.push_str(&format!(" → … ({skipped} tools) → "));
            ids(text, tail);
        }
    }
}

/// The nearest origins of `w` other than the origin of rank `x`.
fn excluding<'a>(
    nearest: &'a [Option<Origins>],
    second: &'a [Option<Origins>],
    w: usize,
    x: u32,
) -> Option<Others<'a>> {
    let near = nearest[w].as_ref()?;
    if near.ranks.iter().any(|&r| r != x) {
        return Some(Others {
            origins: near,
            skip: Some(x),
        });
    }
    if near.saturated {
        return None;
    }
    second[w].as_ref().map(|o| Others {
        origins: o,
        skip: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{load_str, source::Format};

    fn inventory(tools: &str) -> Inventory {
        load_str(&format!("schema = 1\n{tools}"), Format::Toml, "t.toml").unwrap()
    }

    fn eff(flow: &DataFlow, id: &str) -> String {
        flow.effective[flow.index[id]].describe()
    }

    /// The provenance of `class` in `id` as "origin: a → b → id" lines.
    fn paths(inv: &Inventory, id: &str, class: DataClass) -> Vec<String> {
        let flow = DataFlow::compute(inv);
        let Some(p) = flow.provenance(inv, flow.index[id], class) else {
            return Vec::new();
        };
        p.paths
            .iter()
            .map(|path| {
                path.shown()
                    .map(|i| inv.tools[i].id.as_str())
                    .collect::<Vec<_>>()
                    .join(" → ")
            })
            .collect()
    }

    fn tool(id: &str, extra: &str) -> String {
        format!("[[tool]]\nid = \"{id}\"\nname = \"{id}\"\ncategory = \"other\"\n{extra}\n")
    }

    fn integration(to: &str, extra: &str) -> String {
        format!("\n[[tool.integration]]\nto = \"{to}\"\n{extra}\n")
    }

    const CHAIN: &str = r#"
[[tool]]
id = "crm"
name = "CRM"
category = "crm"
data = ["pii", "customer"]
[[tool.integration]]
to = "ma"
[[tool]]
id = "ma"
name = "MA"
category = "marketing-automation"
[[tool.integration]]
to = "webinar"
direction = "out"
[[tool]]
id = "webinar"
name = "Webinar"
category = "webinar"
"#;

    #[test]
    fn lists_per_tool_keep_the_order_written_and_leave_tools_without_any_empty() {
        let pairs = [(2, 'a'), (0, 'b'), (2, 'c'), (0, 'd'), (3, 'e')];
        let lists = PerTool::build(5, |put| {
            for &(t, c) in &pairs {
                put(t, c);
            }
        });
        assert_eq!(&lists[0], ['b', 'd']);
        assert!(lists[1].is_empty());
        assert_eq!(&lists[2], ['a', 'c']);
        assert_eq!(&lists[3], ['e']);
        assert!(lists[4].is_empty());
        let none = PerTool::<char>::build(2, |_| {});
        assert!(none[0].is_empty() && none[1].is_empty());
    }

    #[test]
    fn a_set_taken_whole_is_shared_and_keeps_its_saturation() {
        let empty = || Origins {
            distance: 2,
            ranks: Arc::default(),
            saturated: false,
        };
        let hub: Arc<[u32]> = Arc::from(vec![1, 3, 5]);
        let mut o = empty();
        o.merge(&hub, Some(4), true);
        assert!(Arc::ptr_eq(&o.ranks, &hub));
        assert!(o.saturated);
        // Skipping one of its origins copies the rest.
        let mut o = empty();
        o.merge(&hub, Some(3), false);
        assert_eq!(&*o.ranks, &[1, 5]);
        assert!(!o.saturated);
        // A set of its own is merged with, not replaced.
        let mut o = Origins {
            ranks: Arc::from(vec![2]),
            ..empty()
        };
        o.merge(&hub, Some(4), false);
        assert_eq!(&*o.ranks, &[1, 2, 3, 5]);
    }

    #[test]
    fn a_merge_past_the_cap_says_it_is_saturated_and_an_exact_fit_does_not() {
        let set = |ranks: Vec<u32>| Origins {
            distance: 1,
            ranks: ranks.into(),
            saturated: false,
        };
        let cap = ORIGIN_CAP as u32;
        let merged = |mine: Vec<u32>, theirs: Vec<u32>| {
            let mut o = set(mine);
            o.merge(&set(theirs).ranks, None, false);
            (o.ranks.len(), o.saturated)
        };
        // Left over from the other set, or from one's own.
        assert_eq!(
            merged((0..cap).collect(), vec![cap + 1]),
            (ORIGIN_CAP, true)
        );
        assert_eq!(
            merged(vec![cap + 1], (0..cap).collect()),
            (ORIGIN_CAP, true)
        );
        // Exactly full, and the same origins twice: nothing is cut off.
        let (evens, odds) = ((0..cap).step_by(2).collect(), (1..cap).step_by(2).collect());
        assert_eq!(merged(evens, odds), (ORIGIN_CAP, false));
        assert_eq!(
            merged((0..cap).collect(), (0..cap).collect()),
            (ORIGIN_CAP, false)
        );
    }

    #[test]
    fn a_class_nobody_holds_keeps_no_origin_tables() {
        let inv = inventory(CHAIN);
        let flow = DataFlow::compute(&inv);
        let tables = |class: DataClass| {
            let cf = &flow.classes[class as usize];
            (cf.nearest.len(), cf.second.len())
        };
        assert_eq!(tables(DataClass::Pii), (3, 3));
        assert_eq!(tables(DataClass::Financial), (0, 0));
        assert!(
            flow.provenance(&inv, flow.index["webinar"], DataClass::Financial)
                .is_none()
        );
    }

    #[test]
    fn a_flow_whose_list_leaves_a_class_out_is_no_path_for_it() {
        // crm → b directly carries only customer data: b's pii comes the
        // long way, through r.
        let inv = inventory(&format!(
            "{}{}{}",
            tool(
                "crm",
                &format!(
                    "data = [\"pii\"]{}{}",
                    integration("b", "data = [\"customer\"]"),
                    integration("r", "")
                )
            ),
            tool("r", &integration("b", "")),
            tool("b", "")
        ));
        assert_eq!(paths(&inv, "b", DataClass::Pii), ["crm → r → b"]);
    }

    #[test]
    fn data_is_inherited_through_two_hops() {
        let inv = inventory(CHAIN);
        let flow = DataFlow::compute(&inv);
        assert_eq!(eff(&flow, "webinar"), "pii, customer");
        assert_eq!(
            paths(&inv, "webinar", DataClass::Pii),
            ["crm → ma → webinar"]
        );
        assert!(paths(&inv, "crm", DataClass::Pii).is_empty());
    }

    #[test]
    fn paths_through_a_hub_share_its_step_and_keep_their_own_ends() {
        // crm reaches the hub through two relays at the same distance; every
        // spoke's path takes the first relay by id, and the hub's step, found
        // once (the hub has more than MEMO_IN_DEGREE incoming integrations),
        // serves them all.
        let mut text =
            tool("crm", "data = [\"pii\"]") + &integration("r2", "") + &integration("r1", "");
        text += &(tool("r2", "") + &integration("hub", ""));
        text += &(tool("r1", "") + &integration("hub", ""));
        text += &tool("hub", "");
        let spokes = MEMO_IN_DEGREE + 8;
        for i in 0..spokes {
            text += &(tool(&format!("s{i}"), "") + &integration("hub", "direction = \"both\""));
        }
        let inv = inventory(&text);
        let flow = DataFlow::compute(&inv);
        for i in [spokes - 1, 0, spokes / 2, 1] {
            let id = format!("s{i}");
            let p = flow
                .provenance(&inv, flow.index[id.as_str()], DataClass::Pii)
                .unwrap();
            let shown: Vec<&str> = p.paths[0]
                .shown()
                .map(|t| inv.tools[t].id.as_str())
                .collect();
            assert_eq!(shown, ["crm", "r1", "hub", id.as_str()]);
        }
        assert_eq!(
            flow.provenance(&inv, flow.index["hub"], DataClass::Pii)
                .unwrap()
                .paths
                .len(),
            1
        );
    }

    #[test]
    fn provenance_prepared_on_all_cores_reads_as_found_one_by_one() {
        // A hub past MEMO_IN_DEGREE, two origins, explicit lists both ways.
        let mut text = tool("crm", "data = [\"pii\"]") + &integration("hub", "");
        text += &(tool("cdp", "data = [\"behavioral\", \"pii\"]") + &integration("hub", ""));
        text += &tool("hub", "");
        for i in 0..MEMO_IN_DEGREE + 20 {
            let extra = if i % 3 == 0 {
                "direction = \"both\"\ndata = [\"customer\"]"
            } else {
                "direction = \"both\""
            };
            text += &(tool(&format!("s{i}"), "") + &integration("hub", extra));
            text += &integration(&format!("s{}", (i + 1) % (MEMO_IN_DEGREE + 20)), "");
        }
        let inv = inventory(&text);
        let prepared = DataFlow::compute(&inv);
        prepared.prepare_provenance(&inv);
        let lazy = DataFlow::compute(&inv);
        let mut described = 0;
        for t in (0..inv.tools.len()).rev() {
            for &class in DataClass::ALL {
                let a = prepared.provenance_text(&inv, t, class);
                assert_eq!(
                    a,
                    lazy.provenance_text(&inv, t, class),
                    "{}",
                    inv.tools[t].id
                );
                described += usize::from(a.is_some());
            }
        }
        assert!(described > 2 * MEMO_IN_DEGREE);
    }

    #[test]
    fn prepared_provenance_is_kept_and_read_again_without_being_found_again() {
        let text = tool("crm", "data = [\"pii\"]")
            + &integration("ma", "")
            + &tool("ma", "")
            + &integration("chat", "")
            + &tool("chat", "");
        let inv = inventory(&text);
        let flow = DataFlow::compute(&inv);
        let chat = flow.index["chat"];
        let held = |flow: &DataFlow| {
            flow.provenance_text
                .slot(chat, DataClass::Pii)
                .and_then(|slot| slot.get())
                .is_some()
        };
        assert!(!held(&flow), "nothing is described before it is asked for");
        flow.prepare_provenance(&inv);
        assert!(
            held(&flow),
            "preparing describes every class a tool receives"
        );
        let first = flow.provenance_text(&inv, chat, DataClass::Pii).unwrap();
        let again = flow.provenance_text(&inv, chat, DataClass::Pii).unwrap();
        assert!(std::ptr::eq(first, again), "the same text, not a new one");
        assert_eq!(first.text, "pii from `crm` via crm → ma → chat");
    }

    #[test]
    fn a_path_never_takes_a_flow_whose_list_leaves_the_class_out() {
        // crm → ma lists only customer, so pii reaches webinar the long way
        // round, although the short way is one hop shorter.
        let inv = inventory(
            &[
                tool(
                    "crm",
                    &(String::from("data = [\"pii\"]")
                        + &integration("ma", "data = [\"customer\"]")
                        + &integration("x", "")),
                ),
                tool("ma", &integration("webinar", "")),
                tool("x", &integration("y", "")),
                tool("y", &integration("webinar", "")),
                tool("webinar", ""),
            ]
            .concat(),
        );
        assert_eq!(eff(&DataFlow::compute(&inv), "ma"), "customer");
        assert_eq!(
            paths(&inv, "webinar", DataClass::Pii),
            ["crm → x → y → webinar"]
        );
    }

    #[test]
    fn an_origin_finds_another_origin_through_a_chain_that_it_feeds_itself() {
        // x and y send pii without declaring it: both are origins. y's pii
        // reaches x only through a and b, whose nearest origin is x itself,
        // so x's second-nearest origin is carried along that chain.
        let inv = inventory(
            &[
                tool("x", &integration("a", "data = [\"pii\"]")),
                tool("y", &integration("m", "data = [\"pii\"]")),
                tool("m", &integration("a", "")),
                tool("a", &integration("b", "")),
                tool("b", &integration("x", "")),
            ]
            .concat(),
        );
        assert_eq!(paths(&inv, "x", DataClass::Pii), ["y → m → a → b → x"]);
        assert_eq!(paths(&inv, "b", DataClass::Pii), ["x → a → b"]);
    }

    #[test]
    fn explicit_data_limits_what_flows() {
        let inv =
            inventory(&CHAIN.replacen("to = \"ma\"", "to = \"ma\"\ndata = [\"customer\"]", 1));
        let flow = DataFlow::compute(&inv);
        assert_eq!(eff(&flow, "ma"), "customer");
        assert_eq!(eff(&flow, "webinar"), "customer");
    }

    #[test]
    fn direction_in_reverses_the_flow() {
        let inv = inventory(&CHAIN.replacen("to = \"ma\"", "to = \"ma\"\ndirection = \"in\"", 1));
        let flow = DataFlow::compute(&inv);
        assert_eq!(eff(&flow, "ma"), "");
        assert_eq!(eff(&flow, "webinar"), "");
    }

    #[test]
    fn cycles_terminate() {
        let inv = inventory(&CHAIN.replacen("direction = \"out\"", "direction = \"both\"", 1));
        let flow = DataFlow::compute(&inv);
        assert_eq!(eff(&flow, "webinar"), "pii, customer");
        assert_eq!(eff(&flow, "ma"), "pii, customer");
        assert_eq!(paths(&inv, "ma", DataClass::Pii), ["crm → ma"]);
    }

    #[test]
    fn a_tool_sending_a_class_it_does_not_hold_is_its_origin() {
        // A US form sends pii to the CRM but declares none.
        let inv = inventory(
            &[
                tool("form", &integration("crm", "data = [\"pii\"]")),
                tool("crm", ""),
            ]
            .concat(),
        );
        let flow = DataFlow::compute(&inv);
        let form = flow.index["form"];
        assert_eq!(eff(&flow, "form"), "pii");
        assert_eq!(flow.undeclared_outflow(form).describe(), "pii");
        assert_eq!(flow.received_undeclared(&inv, form).describe(), "");
        assert!(paths(&inv, "form", DataClass::Pii).is_empty());
        assert_eq!(paths(&inv, "crm", DataClass::Pii), ["form → crm"]);
        // Received from a declaring tool: not an origin.
        let inv = inventory(
            &[
                tool("crm", "data = [\"pii\"]"),
                tool(
                    "form",
                    &integration("crm", "direction = \"both\"\ndata = [\"pii\"]"),
                ),
            ]
            .concat(),
        );
        let flow = DataFlow::compute(&inv);
        assert!(flow.undeclared_outflow(flow.index["form"]).is_empty());
        assert_eq!(paths(&inv, "form", DataClass::Pii), ["crm → form"]);
    }

    #[test]
    fn a_two_cycle_with_explicit_data_names_the_other_side() {
        let inv = inventory(
            &[
                tool(
                    "a",
                    &integration("b", "direction = \"both\"\ndata = [\"pii\"]"),
                ),
                tool("b", ""),
                tool("c", &integration("b", "direction = \"in\"")),
            ]
            .concat(),
        );
        let flow = DataFlow::compute(&inv);
        assert_eq!(flow.undeclared_outflow(flow.index["a"]).describe(), "pii");
        assert_eq!(flow.undeclared_outflow(flow.index["b"]).describe(), "pii");
        assert_eq!(paths(&inv, "b", DataClass::Pii), ["a → b"]);
        assert_eq!(paths(&inv, "a", DataClass::Pii), ["b → a"]);
        assert_eq!(paths(&inv, "c", DataClass::Pii), ["b → c"]);
    }

    #[test]
    fn an_ipaas_hub_with_both_directions_never_loops() {
        let inv = inventory(
            &[
                tool(
                    "crm",
                    &[
                        "data = [\"pii\"]",
                        &integration("ipaas", "direction = \"both\""),
                    ]
                    .concat(),
                ),
                tool(
                    "ipaas",
                    &[
                        integration("chat", "direction = \"both\"\ndata = [\"pii\"]"),
                        integration("ads", "direction = \"both\"\ndata = [\"pii\"]"),
                    ]
                    .concat(),
                ),
                tool("chat", ""),
                tool("ads", ""),
            ]
            .concat(),
        );
        assert_eq!(paths(&inv, "chat", DataClass::Pii), ["crm → ipaas → chat"]);
        assert_eq!(paths(&inv, "ipaas", DataClass::Pii), ["crm → ipaas"]);
        let flow = DataFlow::compute(&inv);
        for id in ["ipaas", "chat", "ads"] {
            assert!(flow.undeclared_outflow(flow.index[id]).is_empty(), "{id}");
        }
    }

    #[test]
    fn a_diamond_takes_the_path_through_the_smaller_id() {
        let inv = inventory(
            &[
                tool(
                    "crm",
                    &[
                        "data = [\"pii\"]",
                        &integration("zeta", ""),
                        &integration("alpha", ""),
                    ]
                    .concat(),
                ),
                tool("zeta", &integration("dw", "")),
                tool("alpha", &integration("dw", "")),
                tool("dw", ""),
            ]
            .concat(),
        );
        assert_eq!(paths(&inv, "dw", DataClass::Pii), ["crm → alpha → dw"]);
    }

    #[test]
    fn two_origins_at_the_same_distance_are_both_named() {
        let body = [
            tool("y", &["data = [\"pii\"]", &integration("dw", "")].concat()),
            tool("x", &["data = [\"pii\"]", &integration("dw", "")].concat()),
            tool("far", &["data = [\"pii\"]", &integration("x", "")].concat()),
            tool("dw", ""),
        ]
        .concat();
        assert_eq!(
            paths(&inventory(&body), "dw", DataClass::Pii),
            ["x → dw", "y → dw"]
        );
    }

    #[test]
    fn many_origins_are_counted_not_listed() {
        let mut body = tool("dw", "");
        for i in 0..(ORIGIN_CAP + 10) {
            body.push_str(&tool(
                &format!("s{i:03}"),
                &["data = [\"pii\"]", &integration("dw", "")].concat(),
            ));
        }
        let inv = inventory(&body);
        let flow = DataFlow::compute(&inv);
        let p = flow
            .provenance(&inv, flow.index["dw"], DataClass::Pii)
            .unwrap();
        assert_eq!(p.paths.len(), ORIGINS_NAMED);
        assert_eq!(inv.tools[p.paths[0].origin()].id, "s000");
        assert_eq!(p.more, ORIGIN_CAP - ORIGINS_NAMED);
        assert!(p.more_is_lower_bound);
    }

    #[test]
    fn long_chains_are_elided_but_name_their_origin() {
        let mut body = String::new();
        for i in 0..30 {
            let extra = if i == 0 { "data = [\"pii\"]\n" } else { "" };
            body.push_str(&tool(
                &format!("t{i:02}"),
                &format!("{extra}{}", integration(&format!("t{:02}", i + 1), "")),
            ));
        }
        body.push_str(&tool("t30", ""));
        let inv = inventory(&body);
        let flow = DataFlow::compute(&inv);
        let p = flow
            .provenance(&inv, flow.index["t30"], DataClass::Pii)
            .unwrap();
        assert_eq!(p.distance, 30);
        match &p.paths[0] {
            Path::Elided {
                origin,
                skipped,
                tail,
            } => {
                assert_eq!(inv.tools[*origin].id, "t00");
                assert_eq!(*skipped as usize + tail.len(), 30);
                assert_eq!(inv.tools[*tail.last().unwrap()].id, "t30");
            }
            other => panic!("expected an elided path, got {other:?}"),
        }
    }

    #[test]
    fn an_outflow_origin_reached_only_around_a_cycle_finds_the_other_side() {
        // a → b → c → a with explicit pii everywhere: every tool is an origin,
        // and each inherits from its predecessor.
        let body = [
            tool("a", &integration("b", "data = [\"pii\"]")),
            tool("b", &integration("c", "data = [\"pii\"]")),
            tool("c", &integration("a", "data = [\"pii\"]")),
        ]
        .concat();
        let inv = inventory(&body);
        assert_eq!(paths(&inv, "a", DataClass::Pii), ["c → a"]);
        assert_eq!(paths(&inv, "b", DataClass::Pii), ["a → b"]);
        // Only a sends explicitly; b and c forward everything.
        let body = [
            tool("a", &integration("b", "data = [\"pii\"]")),
            tool("b", &integration("c", "")),
            tool("c", &integration("a", "")),
        ]
        .concat();
        let inv = inventory(&body);
        assert!(paths(&inv, "a", DataClass::Pii).is_empty());
        assert_eq!(paths(&inv, "c", DataClass::Pii), ["a → b → c"]);
    }

    #[test]
    fn empty_or_public_lists_are_no_path_to_the_system_of_record() {
        let body = [
            "[policy]\nsystem_of_record = \"crm\"\n".to_string(),
            tool("crm", "data = [\"pii\"]"),
            tool("web", &integration("crm", "data = [\"public\"]")),
            tool("blog", &integration("crm", "data = []")),
            tool("ma", &integration("crm", "")),
        ]
        .concat();
        let inv = inventory(&body);
        let flow = DataFlow::compute(&inv);
        let c = flow.connected_to_sor.as_ref().unwrap();
        assert!(!c[flow.index["web"]]);
        assert!(!c[flow.index["blog"]]);
        assert!(c[flow.index["ma"]]);
    }
}
