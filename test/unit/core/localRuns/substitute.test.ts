import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { CommandSubstitutionError, substituteCommand } from '../../../../src/core/localRuns/substitute';

/** The words a POSIX shell makes of a command line, one per line (printf repeats its format). */
function shellWords(commandLine: string): string[] {
  const output = execFileSync('/bin/sh', ['-c', `printf '%s\\n' ${commandLine}`], { encoding: 'utf8' });
  return output.split('\n').slice(0, -1);
}

describe('core/localRuns/substitute', () => {
  it('fills in inputs and outputs, with or without spaces inside the braces', () => {
    assert.equal(
      substituteCommand(
        'python train.py --epochs ${{inputs.epochs}} --out ${{ outputs.model }}',
        { epochs: '20' },
        {
          model: '/runs/r1/train/outputs/model',
        },
      ),
      'python train.py --epochs 20 --out /runs/r1/train/outputs/model',
    );
  });

  it('keeps an optional block, without its brackets, when every input it names is given', () => {
    assert.equal(
      substituteCommand(
        'run $[[--lr ${{inputs.lr}} --seed ${{inputs.seed}}]] --x ${{inputs.x}}',
        {
          lr: '0.1',
          seed: '7',
          x: 'a',
        },
        {},
      ),
      'run --lr 0.1 --seed 7 --x a',
    );
  });

  it('drops an optional block when an input it names is not given', () => {
    assert.equal(
      substituteCommand(
        'run $[[--lr ${{inputs.lr}} --seed ${{inputs.seed}}]] --x ${{inputs.x}}',
        {
          lr: '0.1',
          seed: undefined,
          x: 'a',
        },
        {},
      ),
      'run  --x a',
    );
    assert.equal(substituteCommand('run $[[--limit ${{inputs.limit}}]]', {}, {}), 'run ');
  });

  it('refuses an input that is used outside an optional block but has no value, naming it', () => {
    assert.throws(
      () => substituteCommand('run --data ${{inputs.data}}', { data: undefined }, {}),
      (error: unknown) => error instanceof CommandSubstitutionError && /input `data` has no value/.test(error.message),
    );
    assert.throws(() => substituteCommand('run ${{inputs.other}}', {}, {}), /input `other` has no value/);
  });

  it('refuses an output the step does not declare, and expressions a local run cannot fill in', () => {
    assert.throws(() => substituteCommand('run ${{outputs.model}}', {}, {}), /declares no output `model`/);
    assert.throws(() => substituteCommand('run ${{search_space.lr}}', {}, {}), /search_space\.lr.*cannot fill in/);
  });

  it('quotes values so the shell reads each back exactly, as one word, outside and inside quotes', () => {
    const awkward = '/home/me/my project/it\'s $HOME `x` "q" \\ end';
    const inputs = { path: awkward, plain: '/a/b.csv', empty: '' };
    const substituted = substituteCommand(
      '${{inputs.path}} ${{inputs.plain}} "${{inputs.path}}" \'${{inputs.path}}\' ${{inputs.empty}} x"${{inputs.path}}"y',
      inputs,
      {},
    );
    assert.deepEqual(shellWords(substituted), [awkward, '/a/b.csv', awkward, awkward, '', `x${awkward}y`]);
    assert.ok(substituted.includes(' /a/b.csv '), 'a plain path stays unquoted');
  });

  it('leaves the rest of the command as written', () => {
    const command = 'echo "$HOME" && ls -la | wc -l; echo $((1 + 2))';
    assert.equal(substituteCommand(command, {}, {}), command);
  });
});
