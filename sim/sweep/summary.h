/*
 * summary.h: replications summarized the way a capacity planner reads them: mean,
 * sample standard deviation and a Student-t confidence interval for the mean.
 */
#ifndef VS_SWEEP_SUMMARY_H
#define VS_SWEEP_SUMMARY_H

#include <stddef.h>

typedef struct vs_summary {
    size_t n;
    double mean;
    double stddev;     /* sample (n - 1); 0 when n < 2 */
    double half_width; /* of the confidence interval; NAN when n < 2 */
    double low, high;  /* mean -/+ half_width; NAN when n < 2 */
    double min, max;
} vs_summary;

/* The p-quantile of Student's t with df degrees of freedom (df >= 1, 0 < p < 1), to
 * 1e-9 relative: vs_student_t_quantile(0.975, 10) = 2.228138852. */
double vs_student_t_quantile(double p, unsigned df);

/* Summarizes x[0..n) (finite values; the caller drops missing ones) with a two-sided
 * interval at `confidence` (0.95 for 95%). Deterministic: the same values in the same
 * order give the same bits. n == 0 gives n = 0 and NANs. */
void vs_summarize(const double *x, size_t n, double confidence, vs_summary *out);

#endif /* VS_SWEEP_SUMMARY_H */
