/**
 * The error a call throws, for tests that check what it names (code, row, column, field): one
 * must-throw guard, instead of a try/catch in each test that passes when nothing is thrown.
 */
import { expect } from 'vitest';
import { LoupeError } from '../../src/core/errors';

type ErrorClass<E> = abstract new (...args: never[]) => E;

/**
 * What `fn` throws, checked to be a `type` (any LoupeError by default); fails the test when `fn`
 * returns. `what` says in a failure which call it was.
 */
export function thrown<E extends Error = LoupeError>(fn: () => unknown, type?: ErrorClass<E>, what = 'the call'): E {
  const want = type ?? LoupeError;
  try {
    fn();
  } catch (e) {
    expect(e, `what ${what} threw`).toBeInstanceOf(want);
    return e as E;
  }
  return expect.unreachable(`${what} returned; expected a ${want.name}`);
}

/** Expects `fn` to throw a `type` whose `where.field` is `field`. */
export function expectThrowsAtField(fn: () => unknown, type: ErrorClass<LoupeError>, field: string): void {
  expect(thrown(fn, type).where.field, `the ${type.name}'s field`).toBe(field);
}
