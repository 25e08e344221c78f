//! [`Order`]: a stretch's winners in order, and the per-group project
//! lists that let [`super::Bounds::pay`] skip projects already bought.

use super::Grid;

/// The winners of a stretch of runs, in order, with what [`Bounds::pay`]
/// needs to skip the projects already bought: a bought project's
/// `tot_hi` is never read again (every check is on projects still
/// remaining), yet on Budapest 2024 two fifths of the per-project
/// give-backs of poor supporters went to such projects.
pub(crate) struct Order {
    /// The winners, in order.
    pub(crate) winners: Vec<usize>,
    /// Per project, the round in which it is bought (`u32::MAX`: never).
    pub(super) round: Vec<u32>,
    /// Per group, its projects by decreasing round (never bought first):
    /// `projects[grid.starts[g]..grid.starts[g + 1]]`, so that paying
    /// round `r` stops at the first project bought in round `r` or before.
    /// `None`: nothing is skipped (the list costs about a tenth of an
    /// evaluation to build, not worth it for a stretch's first proof,
    /// which most often fails).
    projects: Option<Vec<u32>>,
}

impl Order {
    /// The order of `winners` (distinct projects), skipping nothing.
    pub(crate) fn new(grid: &Grid, winners: &[usize]) -> Order {
        let mut round = vec![u32::MAX; grid.cost.len()];
        for (r, &w) in winners.iter().enumerate() {
            round[w] = u32::try_from(r).unwrap_or(u32::MAX - 1);
        }
        Order {
            winners: winners.to_vec(),
            round,
            projects: None,
        }
    }

    /// This order, with the per-group lists that let payments skip the
    /// projects already bought. Linear time (a sort per group cost more
    /// than it saved on Warszawa 2021 Ursynów): each group's projects never
    /// bought, then its winners from the last round back.
    pub(crate) fn skipping_bought(mut self, grid: &Grid) -> Order {
        let round = &self.round;
        let mut projects = vec![0u32; grid.projects.len()];
        let mut fill: Vec<usize> = Vec::with_capacity(grid.starts.len());
        for (g, span) in grid.starts.windows(2).enumerate() {
            let mut at = span[0];
            for &q in grid.group_projects(g) {
                if round[q as usize] == u32::MAX {
                    projects[at] = q;
                    at += 1;
                }
            }
            fill.push(at);
        }
        for &w in self.winners.iter().rev() {
            for sp in grid.sups(w) {
                let at = &mut fill[sp.group as usize];
                projects[*at] = w as u32;
                *at += 1;
            }
        }
        self.projects = Some(projects);
        self
    }

    /// Adds `back` to the `tot_hi` of group `g`'s projects that still
    /// matter after round `r` (all of them when nothing is skipped);
    /// `None` if a sum leaves the range.
    pub(super) fn give_back(
        &self,
        grid: &Grid,
        tot_hi: &mut [u128],
        g: usize,
        r: u32,
        back: u128,
    ) -> Option<()> {
        match &self.projects {
            Some(projects) => {
                for &q in &projects[grid.starts[g]..grid.starts[g + 1]] {
                    if self.round[q as usize] <= r {
                        break;
                    }
                    let t = &mut tot_hi[q as usize];
                    *t = t.checked_add(back)?;
                }
            }
            None => {
                for &q in grid.group_projects(g) {
                    let t = &mut tot_hi[q as usize];
                    *t = t.checked_add(back)?;
                }
            }
        }
        Some(())
    }

    /// Whether `q`'s `tot_hi` still matters after round `r`.
    pub(super) fn is_open(&self, q: usize, r: u32) -> bool {
        self.projects.is_none() || self.round[q] > r
    }
}
