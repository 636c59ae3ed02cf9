import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StartRunForm } from './StartRunForm';

describe('StartRunForm', () => {
  it('refuses an empty idea and says why', async () => {
    const onStart = vi.fn(() => Promise.resolve());
    render(<StartRunForm onStart={onStart} />);
    await userEvent.click(screen.getByRole('button', { name: 'Start run' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Describe your idea first.');
    expect(screen.getByLabelText('Idea')).toHaveAttribute('aria-invalid', 'true');
    expect(onStart).not.toHaveBeenCalled();
  });

  it('sends an idea with its title and clears the form', async () => {
    const onStart = vi.fn(() => Promise.resolve());
    render(<StartRunForm onStart={onStart} />);
    await userEvent.type(screen.getByLabelText('Title (optional)'), 'Lighthouse');
    await userEvent.type(screen.getByLabelText('Idea'), '  A keeper finds a bottle  ');
    await userEvent.click(screen.getByRole('button', { name: 'Start run' }));
    expect(onStart).toHaveBeenCalledWith({
      mode: 'idea',
      input: 'A keeper finds a bottle',
      title: 'Lighthouse',
    });
    expect(screen.getByLabelText('Idea')).toHaveValue('');
  });

  it('switches to Script2Video and sends a script', async () => {
    const onStart = vi.fn(() => Promise.resolve());
    render(<StartRunForm onStart={onStart} />);
    await userEvent.click(screen.getByLabelText('Script2Video'));
    await userEvent.click(screen.getByRole('button', { name: 'Start run' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Paste a script first.');
    await userEvent.type(screen.getByLabelText('Script'), 'INT. ROOM - DAY');
    await userEvent.click(screen.getByRole('button', { name: 'Start run' }));
    expect(onStart).toHaveBeenCalledWith({ mode: 'script', input: 'INT. ROOM - DAY' });
  });

  it('shows the server error when starting fails and keeps the text', async () => {
    const onStart = vi.fn(() => Promise.reject(new Error('input: too long')));
    render(<StartRunForm onStart={onStart} />);
    await userEvent.type(screen.getByLabelText('Idea'), 'A keeper finds a bottle');
    await userEvent.click(screen.getByRole('button', { name: 'Start run' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('input: too long');
    expect(screen.getByLabelText('Idea')).toHaveValue('A keeper finds a bottle');
  });
});
