import { describe, expect, it } from 'vitest';
import { parse } from './schema.js';
import {
  WORKFLOW_PAGE_DEFAULT,
  formatWorkflowCursor,
  workflowListQuerySchema,
} from './workflowListQuery.js';

describe('workflowListQuerySchema', () => {
  it('W7 no parameters is the first page of the default size; unknown parameters are ignored', () => {
    expect(parse(workflowListQuerySchema, new URLSearchParams('access_token=x'))).toEqual({
      ok: true,
      value: { limit: WORKFLOW_PAGE_DEFAULT, before: null },
    });
  });

  it('W7 a next_before comes back as the cursor it was made from, whatever the created_at', () => {
    for (const cursor of [
      { created_at: 1_765_000_000_123, id: 'wf_abc-1' },
      { created_at: 1_765_000_000_123.25, id: 'x' },
      { created_at: 1e-7, id: 'tiny' },
      { created_at: 0, id: '0' },
    ])
      expect(
        parse(
          workflowListQuerySchema,
          new URLSearchParams({ limit: '7', before: formatWorkflowCursor(cursor) }),
        ),
      ).toEqual({ ok: true, value: { limit: 7, before: cursor } });
  });
});
