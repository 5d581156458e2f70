//! Render timings and memory: a two-page CV (20 lines, 10 QR codes)
//! rendered N times on one thread.
//!
//! `cargo run --release -p atout-cv --example bench [N]` (N = 1000 by default).

use atout_cv::*;
use std::time::Instant;

fn cv() -> CvInput {
    let mut items = Vec::new();
    for i in 0..20 {
        let certified = i % 2 == 0;
        items.push(Item {
            title: format!("Poste numéro {i} : cheffe de projet"),
            organisation: Some(format!("Organisation {i}")),
            place: Some("Orléans".into()),
            start: Some(format!("{}-03", 2000 + i)),
            end: Some(format!("{}-09", 2001 + i)),
            ongoing: false,
            description: Some(
                "Conduite de projets numériques au service des usagers : conception, \
                 développement et recette. Pourquoi ? Pour simplifier les démarches !"
                    .into(),
            ),
            keywords: vec!["Rust".into(), "PostgreSQL".into(), "Accessibilité".into()],
            mother_tongue: false,
            cefr: None,
            trust: if certified {
                Trust::Certified {
                    issuer: format!("Employeur {i}"),
                }
            } else {
                Trust::Declared
            },
            verify: certified.then(|| Link {
                url: format!("https://atout.example/s/Ab3dEfGh/{i}"),
                short: format!("atout.example/s/Ab3dEfGh/{i}"),
            }),
        });
    }
    let education = items.split_off(14);
    CvInput {
        lang: Lang::Fr,
        design: Design::Classic,
        name: "Élodie Lefèvre".into(),
        headline: Some("Cheffe de projet numérique".into()),
        presentation: Some("Dix ans d’expérience dans les services numériques.".into()),
        contact: vec![Contact {
            kind: ContactKind::Email,
            value: "elodie@example.fr".into(),
        }],
        photo: None,
        sections: vec![
            Section {
                kind: SectionKind::Experience,
                items,
            },
            Section {
                kind: SectionKind::Education,
                items: education,
            },
        ],
        // The 10 QR codes are the lines'; no online version here.
        online: None,
        date: chrono::NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default(),
    }
}

/// Resident set size in MiB, from /proc/self/statm.
fn rss_mib() -> f64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: f64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0.0);
    pages * 4096.0 / (1024.0 * 1024.0)
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000)
        .max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    pool.install(|| run(n));
}

fn run(n: usize) {
    let mut designs = Vec::new();
    for design in [Design::Classic, Design::Modern, Design::Compact] {
        let mut input = cv();
        input.design = design;
        designs.push(input);
    }
    let limits = Limits::default();
    println!("rss before any render: {:.1} MiB", rss_mib());

    // Per design, a short warm run for its figures (first render included).
    for input in &designs[1..] {
        let start = Instant::now();
        let r = render_pdf(input, limits).expect("renders");
        println!(
            "{:?}: first render {:.1} ms, {} pages, {} bytes",
            input.design,
            start.elapsed().as_secs_f64() * 1e3,
            r.pages,
            r.pdf.len()
        );
    }

    // Every render is another person's CV (typst memoises identical
    // input: rendering the same CV again would only measure its caches).
    let mut input = designs[0].clone();
    let mut times = Vec::with_capacity(n);
    let mut size = 0;
    let mut pages = 0;
    for i in 1..=n {
        input.name = format!("Élodie Lefèvre {i}");
        if let Some(item) = input.sections[0].items.get_mut(0) {
            item.title = format!("Poste numéro {i} : cheffe de projet");
        }
        let start = Instant::now();
        let r = render_pdf(&input, limits).expect("renders");
        times.push(start.elapsed().as_secs_f64() * 1e3);
        size = r.pdf.len();
        pages = r.pages;
        if [1, 10, 100, 1000, n].contains(&i) {
            println!("rss after render {i}: {:.1} MiB", rss_mib());
        }
    }
    let first = times[0];
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "classic, {n} renders on one thread: first {first:.1} ms, p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&sorted, 0.5),
        percentile(&sorted, 0.95),
        percentile(&sorted, 0.99),
        sorted[sorted.len() - 1],
    );
    println!("pdf: {pages} pages, {size} bytes");

    let p50 = percentile(&sorted, 0.5);
    let reps = 1000;
    let start = Instant::now();
    for _ in 0..reps {
        std::hint::black_box(prepare(std::hint::black_box(&input)));
    }
    let prep = start.elapsed().as_secs_f64() * 1e3 / reps as f64;
    let start = Instant::now();
    for _ in 0..reps / 10 {
        for i in 0..10 {
            std::hint::black_box(qr_svg(&format!("https://atout.example/s/Ab3dEfGh/{i}")));
        }
    }
    let qr = start.elapsed().as_secs_f64() * 1e3 / (reps / 10) as f64;
    println!(
        "prepare(): {prep:.3} ms ({:.2} % of a render); 10 QR SVGs: {qr:.3} ms ({:.2} %)",
        100.0 * prep / p50,
        100.0 * qr / p50
    );
}
