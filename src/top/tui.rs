//! The interactive view (ratatui on crossterm): a table of programs,
//! refreshed every interval. Keys: `s` next sort column, `/` filter by name
//! or type (Enter keeps it, Esc clears it), `p` or space pause, `q` quit.
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Row as TRow, Table};
use ratatui::Frame;

use super::{arrange, rows, sample, Row, Sample, SortBy};
use crate::output::escape;

struct View {
    sort: SortBy,
    filter: String,
    /// The filter being typed, while `/` is active.
    editing: Option<String>,
    paused: bool,
    rows: Vec<Row>,
    interval: Duration,
    error: Option<String>,
}

/// A stop condition checked between frames (SIGTERM/SIGINT flag).
pub type Stop = fn() -> bool;

/// Runs until `q` (or Ctrl-C, or `stop`); the terminal is restored on every path.
pub fn run(interval: Duration, stop: Stop) -> std::io::Result<()> {
    let mut terminal = ratatui::try_init()?;
    let r = event_loop(&mut terminal, interval, stop);
    ratatui::restore();
    r
}

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    interval: Duration,
    stop: Stop,
) -> std::io::Result<()> {
    let mut view = View {
        sort: SortBy::Cpu,
        filter: String::new(),
        editing: None,
        paused: false,
        rows: Vec::new(),
        interval,
        error: None,
    };
    let mut prev: Option<Sample> = sample().ok();
    let mut next = Instant::now() + interval;
    loop {
        if stop() {
            return Ok(());
        }
        terminal.draw(|f| draw(f, &view))?;
        if event::poll(Duration::from_millis(100))? {
            if let Event::Key(k) = event::read()? {
                if k.kind != KeyEventKind::Press {
                    continue;
                }
                if let Some(text) = view.editing.as_mut() {
                    match k.code {
                        KeyCode::Enter => view.filter = view.editing.take().unwrap_or_default(),
                        KeyCode::Esc => {
                            view.editing = None;
                            view.filter.clear();
                        }
                        KeyCode::Backspace => {
                            text.pop();
                        }
                        KeyCode::Char(c) if !c.is_control() => text.push(c),
                        _ => {}
                    }
                    continue;
                }
                match k.code {
                    KeyCode::Char('q') | KeyCode::Esc => return Ok(()),
                    KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                        return Ok(())
                    }
                    KeyCode::Char('s') => view.sort = view.sort.next(),
                    KeyCode::Char('/') | KeyCode::Char('f') => view.editing = Some(String::new()),
                    KeyCode::Char('p') | KeyCode::Char(' ') => view.paused = !view.paused,
                    _ => {}
                }
            }
        }
        if Instant::now() >= next {
            next = Instant::now() + interval;
            if view.paused {
                continue;
            }
            match sample() {
                Ok(cur) => {
                    if let Some(p) = &prev {
                        view.rows = rows(p, &cur).1;
                    }
                    prev = Some(cur);
                    view.error = None;
                }
                Err(e) => view.error = Some(e.to_string()),
            }
        }
    }
}

fn draw(f: &mut Frame, view: &View) {
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(f.area());
    let mut rows = view.rows.clone();
    let filter = view.editing.as_deref().unwrap_or(&view.filter);
    arrange(&mut rows, view.sort, filter);
    let status = format!(
        "bpfscope top — {} programs — every {:.1}s — sort: {}{}{}",
        rows.len(),
        view.interval.as_secs_f64(),
        view.sort.label(),
        if filter.is_empty() {
            String::new()
        } else {
            format!(" — filter: {}", escape(filter))
        },
        if view.paused { " — PAUSED" } else { "" },
    );
    f.render_widget(Line::from(status), head);
    let header = TRow::new([
        "ID",
        "TYPE",
        "NAME",
        "CPU %",
        "EVENTS/S",
        "AVG RUNTIME",
        "TOTAL RUNS",
    ])
    .style(Style::default().add_modifier(Modifier::REVERSED));
    let lines = rows.iter().map(|r| {
        TRow::new([
            r.id.to_string(),
            escape(&r.prog_type).into_owned(),
            escape(&r.name).into_owned(),
            format!("{:.2}", r.cpu_percent),
            format!("{:.0}", r.events_per_sec),
            format!("{} ns", r.avg_run_time_ns),
            r.run_cnt.to_string(),
        ])
    });
    let table = Table::new(
        lines,
        [
            Constraint::Length(7),
            Constraint::Length(16),
            Constraint::Min(16),
            Constraint::Length(8),
            Constraint::Length(10),
            Constraint::Length(13),
            Constraint::Length(12),
        ],
    )
    .header(header)
    .block(Block::default());
    f.render_widget(table, body);
    let help = match (&view.editing, &view.error) {
        (Some(t), _) => format!("filter: {}_  (Enter: keep, Esc: clear)", escape(t)),
        (None, Some(e)) => format!("error: {}", escape(e)),
        (None, None) => "s: sort  /: filter  p: pause  q: quit".to_string(),
    };
    f.render_widget(Line::from(help), foot);
}
