import { describe, expect, it } from 'vitest';
import { createLogger } from './createLogger.js';

describe('createLogger', () => {
  it('a field named time, level or event never overwrites the line’s own, whatever a caller passes', () => {
    const lines: string[] = [];
    const log = createLogger('info', (line) => lines.push(line));
    // As a caller without the type's guard would pass it: a record built at run time.
    const fields: Record<string, unknown> = {
      workflow_id: 'w1',
      time: 'then',
      level: 'debug',
      event: 'stage.progress',
    };
    log.error('workflow.persist_failed', fields);
    const line = JSON.parse(lines[0] ?? '') as Record<string, unknown>;
    expect(line).toMatchObject({
      level: 'error',
      event: 'workflow.persist_failed',
      workflow_id: 'w1',
    });
    expect(Date.parse(String(line.time))).not.toBeNaN();
    expect(Object.keys(line).slice(0, 3)).toEqual(['time', 'level', 'event']);
  });
});
