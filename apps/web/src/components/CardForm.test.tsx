import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CardForm } from './CardForm';

describe('CardForm', () => {
  it('requires a title', async () => {
    const onSubmit = vi.fn();
    render(<CardForm submitLabel="Add card" onSubmit={onSubmit} onCancel={vi.fn()} />);
    await userEvent.click(screen.getByRole('button', { name: 'Add card' }));
    expect(screen.getByRole('alert')).toHaveTextContent('A card needs a title.');
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('edits a card and trims the title and assignee', async () => {
    const onSubmit = vi.fn();
    const initial = { title: 'Storyboard', description: 'panels', assignee: null };
    render(
      <CardForm initial={initial} submitLabel="Save card" onSubmit={onSubmit} onCancel={vi.fn()} />,
    );
    await userEvent.type(screen.getByLabelText('Card title'), ' v2 ');
    await userEvent.type(screen.getByLabelText('Assignee'), ' ana ');
    await userEvent.click(screen.getByRole('button', { name: 'Save card' }));
    expect(onSubmit).toHaveBeenCalledWith({
      title: 'Storyboard v2',
      description: 'panels',
      assignee: 'ana',
    });
  });

  it('cancels without submitting', async () => {
    const onSubmit = vi.fn();
    const onCancel = vi.fn();
    render(<CardForm submitLabel="Add card" onSubmit={onSubmit} onCancel={onCancel} />);
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onCancel).toHaveBeenCalledOnce();
    expect(onSubmit).not.toHaveBeenCalled();
  });
});
