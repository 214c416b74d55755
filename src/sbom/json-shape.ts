import { BulkheadError } from '../errors.js';

export type JsonObject = Record<string, unknown>;

/**
 * Reads untrusted JSON with errors that say where the document is wrong
 * (`bom.json: components[3].purl: expected a string`). Optional fields that are absent give undefined;
 * present fields of the wrong kind are errors.
 */
export class ShapeReader {
  constructor(readonly path: string) {}

  fail(where: string, reason: string): never {
    throw new BulkheadError('SBOM_INVALID', `${this.path}: ${where}: ${reason}`, { input: this.path });
  }

  object(value: unknown, where: string): JsonObject {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(where, 'expected an object');
    return value as JsonObject;
  }

  optArray(value: unknown, where: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) this.fail(where, 'expected an array');
    return value;
  }

  optString(value: unknown, where: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') this.fail(where, 'expected a string');
    return value;
  }
}
