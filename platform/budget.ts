/**
 * The time a request has left. The API runs each request's work inside its budget; the store's
 * queries and the Temporal calls made on its behalf read what is left, so that work whose caller has
 * already been told 503 stops instead of running on (and loading the store) for nobody.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface Budget {
  /** When the budget runs out (ms since the epoch). */
  deadline: number;
  /** Aborted when the budget runs out. */
  signal: AbortSignal;
}

const current = new AsyncLocalStorage<Budget>();

/** Runs `work` within a budget that ends at `deadline`, or when `signal` aborts. */
export function withinBudget<T>(budget: Budget, work: () => T): T {
  return current.run(budget, work);
}

/** Milliseconds the current request has left (at least 1), or undefined outside a request. */
export function budgetLeftMs(): number | undefined {
  const budget = current.getStore();
  return budget === undefined ? undefined : Math.max(1, budget.deadline - Date.now());
}

/** The current request's abort signal, or undefined outside a request. */
export function budgetSignal(): AbortSignal | undefined {
  return current.getStore()?.signal;
}
