import type { WorkflowEvent } from '@liveline/protocol';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { RunEventLog } from './RunEventLog';

const at = Date.UTC(2026, 10, 22, 9, 30, 0);

describe('RunEventLog', () => {
  it('lists events by seq with their time and detail', () => {
    const events: WorkflowEvent[] = [
      {
        type: 'stage.progress',
        seq: 4,
        epoch: 'e1',
        data: { workflow_id: 'w1', stage: 'script', progress: 40, at },
      },
    ];
    render(<RunEventLog events={events} recovered since={3} />);
    const item = screen.getByRole('listitem');
    expect(item).toHaveAttribute('data-seq', '4');
    expect(item).toHaveTextContent('stage.progress');
    expect(item).toHaveTextContent('script · 40%');
    expect(item).toHaveTextContent(new Date(at).toLocaleTimeString('en-GB', { hour12: false }));
  });

  it('E3 shows an event type from a newer server, even one without data, instead of failing', () => {
    const unknown = { type: 'stage.retried', seq: 5, epoch: 'e1' } as unknown as WorkflowEvent;
    render(<RunEventLog events={[unknown]} recovered since={4} />);
    expect(screen.getByRole('listitem')).toHaveTextContent('#5stage.retried');
  });
});
