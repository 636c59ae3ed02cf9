import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Card, Column } from '@liveline/protocol';
import { BoardColumn } from './BoardColumn';

const columns: Column[] = [{ id: 'backlog', title: 'Backlog', card_ids: ['c1'] }];
const card: Card = {
  id: 'c1',
  column_id: 'backlog',
  title: 'Render trailer',
  description: '',
  assignee: null,
  updated_at: 1,
};

const renderColumn = (onCreate = vi.fn(), onEdit = vi.fn()) =>
  render(
    <BoardColumn
      column={columns[0]!}
      columns={columns}
      cards={new Map([[card.id, card]])}
      editable
      pendingCards={new Set()}
      pendingLabel="Waiting to send"
      onCreate={onCreate}
      onEdit={onEdit}
      onMove={vi.fn()}
      onDelete={vi.fn()}
    />,
  );

describe('BoardColumn: a keyboard user keeps their place when a card form closes', () => {
  it('adding a card with Enter puts the focus back on the column’s add button', async () => {
    const onCreate = vi.fn();
    renderColumn(onCreate);
    await userEvent.click(screen.getByRole('button', { name: 'Add card to Backlog' }));
    await userEvent.type(screen.getByLabelText('Card title'), 'Cut teaser{Enter}');
    expect(onCreate).toHaveBeenCalledWith({ title: 'Cut teaser', description: '', assignee: null });
    expect(screen.getByRole('button', { name: 'Add card to Backlog' })).toHaveFocus();
  });

  it('Escape closes the add form without creating a card, focus on the add button', async () => {
    const onCreate = vi.fn();
    renderColumn(onCreate);
    await userEvent.click(screen.getByRole('button', { name: 'Add card to Backlog' }));
    await userEvent.type(screen.getByLabelText('Card title'), 'Draft{Escape}');
    expect(screen.queryByLabelText('Card title')).toBeNull();
    expect(onCreate).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: 'Add card to Backlog' })).toHaveFocus();
  });

  it('saving or escaping an edit puts the focus back on the card’s Edit button', async () => {
    const onEdit = vi.fn();
    renderColumn(vi.fn(), onEdit);
    await userEvent.click(screen.getByRole('button', { name: 'Edit Render trailer' }));
    await userEvent.type(screen.getByLabelText('Card title'), ' v2{Enter}');
    expect(onEdit).toHaveBeenCalledWith('c1', {
      title: 'Render trailer v2',
      description: '',
      assignee: null,
    });
    expect(screen.getByRole('button', { name: 'Edit Render trailer' })).toHaveFocus();
    await userEvent.click(screen.getByRole('button', { name: 'Edit Render trailer' }));
    await userEvent.keyboard('{Escape}');
    expect(screen.getByRole('button', { name: 'Edit Render trailer' })).toHaveFocus();
  });
});
