import { Duration, Token } from 'aws-cdk-lib';

/**
 * Throws the one kind of error every prop check in this library raises: it names the prop, shows the
 * value that was given and says what is allowed.
 */
export function invalid(prop: string, value: unknown, allowed: string): never {
  throw new Error(`Invalid ${prop}: ${describe(value)}. ${allowed}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(describe).join(', ')}]`;
  }
  return String(value);
}

/** True when a value is only known at deploy time, so it cannot be checked now. */
export function isToken(value: unknown): boolean {
  return (typeof value === 'string' || typeof value === 'number') && Token.isUnresolved(value);
}

/** Checks that `value` is an integer in `[min, max]`, unless it is undefined or a token. */
export function checkInteger(prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || isToken(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    invalid(prop, value, `Use a whole number from ${min} to ${max}.`);
  }
}

/** An IPv4 CIDR block, parsed. */
export interface Ipv4Cidr {
  readonly text: string;
  /** First address as an unsigned 32-bit number. */
  readonly first: number;
  /** Last address as an unsigned 32-bit number. */
  readonly last: number;
  readonly prefixLength: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined when the text is not an IPv4 network address with a prefix. */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) {
    return undefined;
  }
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((octet) => octet > 255) || prefixLength > 32) {
    return undefined;
  }
  const address = octets.reduce((acc, octet) => acc * 256 + octet, 0);
  const size = 2 ** (32 - prefixLength);
  if (address % size !== 0) {
    return undefined; // host bits set: 10.0.0.1/16 is not a network address
  }
  return { text, first: address, last: address + size - 1, prefixLength };
}

/** Formats an unsigned 32-bit address and a prefix length as CIDR text. */
export function formatCidr(first: number, prefixLength: number): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(first / 2 ** shift) % 256);
  return `${octets.join('.')}/${prefixLength}`;
}

/** Parses a CIDR prop or throws an error naming it; `minPrefix`/`maxPrefix` bound the block size. */
export function requireCidr(prop: string, text: string, minPrefix: number, maxPrefix: number): Ipv4Cidr {
  if (isToken(text)) {
    invalid(prop, text, 'It must be a literal CIDR string known at synth time, not a token.');
  }
  const cidr = parseCidr(text);
  if (!cidr) {
    invalid(prop, text, 'Use an IPv4 network address in CIDR notation such as "10.0.0.0/16" (host bits zero).');
  }
  if (cidr.prefixLength < minPrefix || cidr.prefixLength > maxPrefix) {
    invalid(prop, text, `The prefix length must be from /${minPrefix} to /${maxPrefix}.`);
  }
  return cidr;
}

export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export function contains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

/** Checks that a duration is a whole number of seconds in `[minSeconds, maxSeconds]`, unless it is unset or a token. */
export function checkDurationSeconds(prop: string, value: Duration | undefined, minSeconds: number, maxSeconds: number): void {
  if (value === undefined || value.isUnresolved()) {
    return;
  }
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < minSeconds || seconds > maxSeconds) {
    invalid(prop, value.toHumanString(), `Use a whole number of seconds from ${minSeconds} to ${maxSeconds}.`);
  }
}
