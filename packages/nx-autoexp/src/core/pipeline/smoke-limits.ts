/** Smoke settings (`-c smoke`): enough to prove the pipeline works end to end, in seconds to minutes. Shared by train and infer. */
export const SMOKE = { max_steps: 4, max_train_samples: 32, max_eval_samples: 8, dev_rows: 8 };
