//! The integration graph and where data ends up.
//!
//! A tool's *effective* data is what it declares plus what integrations carry
//! into it, followed transitively. An integration without a `data` list
//! carries everything its source holds. Computed once per audit, in time
//! linear in tools plus integrations: a tool's set only grows, and it has at
//! most six classes to gain, so each tool is revisited at most six times.

use std::collections::{HashMap, VecDeque};

use super::model::{DataClass, DataSet, Direction, Inventory, Method};

/// A directed data flow between two tools (by index).
#[derive(Clone, Copy, Debug)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    /// `None`: everything the source holds.
    pub data: Option<DataSet>,
}

pub struct DataFlow {
    pub index: HashMap<String, usize>,
    pub edges: Vec<Edge>,
    /// Edge indices leaving / entering each tool.
    pub outgoing: Vec<Vec<usize>>,
    pub incoming: Vec<Vec<usize>>,
    /// Number of integrations that touch each tool, in either direction.
    pub degree: Vec<usize>,
    /// For each tool, the tools it is integrated with (either side declared
    /// it) and how.
    pub links: Vec<Vec<(usize, Method)>>,
    pub effective: Vec<DataSet>,
    /// For each tool and class it inherited: the edge that first brought it.
    origin: Vec<[Option<u32>; 6]>,
    /// Tools with a data-flow path to or from the system of record.
    pub connected_to_sor: Option<Vec<bool>>,
}

impl DataFlow {
    pub fn compute(inv: &Inventory) -> DataFlow {
        let n = inv.tools.len();
        let mut index = HashMap::with_capacity(n);
        for (i, t) in inv.tools.iter().enumerate() {
            index.entry(t.id.clone()).or_insert(i);
        }
        let mut edges = Vec::new();
        let mut degree = vec![0; n];
        let mut links = vec![Vec::new(); n];
        for (i, t) in inv.tools.iter().enumerate() {
            for integ in &t.integrations {
                let Some(&j) = index.get(&integ.to) else {
                    continue;
                };
                if i == j {
                    continue;
                }
                degree[i] += 1;
                degree[j] += 1;
                links[i].push((j, integ.method));
                links[j].push((i, integ.method));
                if matches!(integ.direction, Direction::Out | Direction::Both) {
                    edges.push(Edge {
                        from: i,
                        to: j,
                        data: integ.data,
                    });
                }
                if matches!(integ.direction, Direction::In | Direction::Both) {
                    edges.push(Edge {
                        from: j,
                        to: i,
                        data: integ.data,
                    });
                }
            }
        }
        let mut outgoing = vec![Vec::new(); n];
        let mut incoming = vec![Vec::new(); n];
        for (e, edge) in edges.iter().enumerate() {
            outgoing[edge.from].push(e);
            incoming[edge.to].push(e);
        }

        let mut effective: Vec<DataSet> = inv.tools.iter().map(|t| t.data).collect();
        let mut origin = vec![[None; 6]; n];
        let mut queued = vec![true; n];
        let mut queue: VecDeque<usize> = (0..n).collect();
        while let Some(v) = queue.pop_front() {
            queued[v] = false;
            for &e in &outgoing[v] {
                let edge = edges[e];
                let carried = edge.data.unwrap_or(effective[v]);
                let gained = carried.minus(effective[edge.to]);
                if gained.is_empty() {
                    continue;
                }
                effective[edge.to] = effective[edge.to].union(gained);
                for c in gained.iter() {
                    origin[edge.to][c as usize] = Some(e as u32);
                }
                if !queued[edge.to] {
                    queued[edge.to] = true;
                    queue.push_back(edge.to);
                }
            }
        }

        let mut flow = DataFlow {
            index,
            edges,
            outgoing,
            incoming,
            degree,
            links,
            effective,
            origin,
            connected_to_sor: None,
        };
        if let Some(&sor) = inv
            .policy
            .system_of_record
            .as_ref()
            .and_then(|s| flow.index.get(s))
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

    /// Tools reachable from `start` following (or, with `forward = false`, against) data flow.
    fn reach(&self, start: usize, forward: bool) -> Vec<bool> {
        let mut seen = vec![false; self.degree.len()];
        seen[start] = true;
        let mut stack = vec![start];
        while let Some(v) = stack.pop() {
            let adjacent = if forward {
                &self.outgoing[v]
            } else {
                &self.incoming[v]
            };
            for &e in adjacent {
                let w = if forward {
                    self.edges[e].to
                } else {
                    self.edges[e].from
                };
                if !seen[w] {
                    seen[w] = true;
                    stack.push(w);
                }
            }
        }
        seen
    }

    /// Data classes that integrations brought into a tool beyond what it declares.
    pub fn inherited(&self, inv: &Inventory, tool: usize) -> DataSet {
        self.effective[tool].minus(inv.tools[tool].data)
    }

    /// The chain of tool indices through which `class` reached `tool`,
    /// starting at the tool it came from. Empty when the tool declares it.
    pub fn provenance(&self, tool: usize, class: DataClass) -> Vec<usize> {
        let mut chain = vec![tool];
        let mut current = tool;
        // Each step follows the edge that first brought the class; those edges
        // form a forest, so the walk ends. The bound is a second guard.
        while let Some(e) = self.origin[current][class as usize] {
            current = self.edges[e as usize].from;
            chain.push(current);
            if chain.len() > self.degree.len() {
                break;
            }
        }
        chain.reverse();
        if chain.len() == 1 { Vec::new() } else { chain }
    }
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
    fn data_is_inherited_through_two_hops() {
        let inv = inventory(CHAIN);
        let flow = DataFlow::compute(&inv);
        assert_eq!(eff(&flow, "webinar"), "pii, customer");
        let chain: Vec<&str> = flow
            .provenance(flow.index["webinar"], DataClass::Pii)
            .into_iter()
            .map(|i| inv.tools[i].id.as_str())
            .collect();
        assert_eq!(chain, ["crm", "ma", "webinar"]);
        assert!(
            flow.provenance(flow.index["crm"], DataClass::Pii)
                .is_empty()
        );
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
    }
}
