/** Request bodies are zod-checked; a bad one is a 400 naming the field and the reason. */
import type { z } from 'zod';

export class BadRequest extends Error {
  readonly statusCode = 400;
}

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new BadRequest(`${issue.path.join('.') || 'body'}: ${issue.message}`);
}
