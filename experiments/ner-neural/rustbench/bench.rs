// Rough one-thread cost of BiLSTM-CRF inference per token in plain Rust (f32, autovectorised loops).
// Variant "cached": the input projection W_x·x + b of each word type is a table lookup (per-word cache),
// so per token only the recurrence (4H×H per direction), the output layer (2H×9) and Viterbi (9×9) remain.
// Variant "full": the input projection (4H×din per direction) is computed per token too.
use std::time::Instant;
fn sig(x: f32) -> f32 { 1.0 / (1.0 + (-x).exp()) }
fn matvec(w: &[f32], x: &[f32], out: &mut [f32]) {
    let n = x.len();
    for (o, row) in out.iter_mut().zip(w.chunks_exact(n)) {
        let mut acc = [0f32; 8];
        let (rc, xc) = (row.chunks_exact(8), x.chunks_exact(8));
        let (rr, xr) = (rc.remainder(), xc.remainder());
        for (a, b) in rc.zip(xc) { for l in 0..8 { acc[l] += a[l] * b[l]; } }
        let mut s: f32 = acc.iter().sum();
        for (a, b) in rr.iter().zip(xr) { s += a * b; }
        *o += s;
    }
}
fn run(h: usize, din: usize, cached: bool, ntok: usize, vocab: usize) -> f64 {
    let mut seed = 1u64;
    let mut rnd = || { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; (seed % 1000) as f32 / 10000.0 - 0.05 };
    let whh: Vec<Vec<f32>> = (0..2).map(|_| (0..4 * h * h).map(|_| rnd()).collect()).collect();
    let wxh: Vec<Vec<f32>> = (0..2).map(|_| (0..4 * h * din).map(|_| rnd()).collect()).collect();
    let proj: Vec<f32> = (0..vocab * 8 * h).map(|_| rnd()).collect();
    let emb: Vec<f32> = (0..vocab * din).map(|_| rnd()).collect();
    let wout: Vec<f32> = (0..9 * 2 * h).map(|_| rnd()).collect();
    let trans: Vec<f32> = (0..81).map(|_| rnd()).collect();
    let sent = 30;
    let words: Vec<usize> = (0..ntok).map(|i| (i * 7919) % vocab).collect();
    let t = Instant::now();
    let mut sink = 0.0f32;
    let mut hs = vec![0f32; sent * 2 * h];
    let mut g = vec![0f32; 4 * h];
    for s in words.chunks(sent) {
        for dir in 0..2 {
            let mut hprev = vec![0f32; h];
            let mut c = vec![0f32; h];
            let order: Vec<usize> = if dir == 0 { (0..s.len()).collect() } else { (0..s.len()).rev().collect() };
            for &i in &order {
                let w = s[i];
                if cached {
                    g.copy_from_slice(&proj[w * 8 * h + dir * 4 * h..w * 8 * h + (dir + 1) * 4 * h]);
                } else {
                    g.iter_mut().for_each(|x| *x = 0.0);
                    matvec(&wxh[dir], &emb[w * din..(w + 1) * din], &mut g);
                }
                matvec(&whh[dir], &hprev, &mut g);
                for k in 0..h {
                    let (ig, fg, cg, og) = (sig(g[k]), sig(g[h + k]), (g[2 * h + k]).tanh(), sig(g[3 * h + k]));
                    c[k] = fg * c[k] + ig * cg;
                    hprev[k] = og * c[k].tanh();
                }
                hs[i * 2 * h + dir * h..i * 2 * h + (dir + 1) * h].copy_from_slice(&hprev);
            }
        }
        // emissions + viterbi
        let mut score = [0f32; 9];
        let mut bp = vec![[0u8; 9]; s.len()];
        for i in 0..s.len() {
            let mut e = [0f32; 9];
            matvec(&wout, &hs[i * 2 * h..(i + 1) * 2 * h], &mut e);
            let mut ns = [f32::MIN; 9];
            for j in 0..9 { for k in 0..9 { let v = score[k] + trans[k * 9 + j]; if v > ns[j] { ns[j] = v; bp[i][j] = k as u8; } } ns[j] += e[j]; }
            score = ns;
        }
        sink += score[0] + bp[s.len() - 1][0] as f32;
    }
    std::hint::black_box(sink);
    ntok as f64 / t.elapsed().as_secs_f64()
}
fn main() {
    let ntok = 300_000;
    for &(h, din) in &[(100usize, 161usize), (64, 161), (32, 161), (16, 161)] {
        for &cached in &[false, true] {
            let v = run(h, din, cached, ntok, 20000);
            println!("BiLSTM H={h:3} din={din} cached_input_proj={cached}: {:>9.0} tokens/s (one thread)", v);
        }
    }
}
