import { epochMsSchema, idSchema } from './common.js';
import { ordered, orderedControlVariants, serverControlVariants } from './controlMessages.js';
import { array, nullable, number, object, oneOf, string, tagged, type Infer } from './schema.js';

/** The agents of the Idea2Video pipeline, in pipeline order; `/ws/agent/{name}` takes these. */
export const AGENT_NAMES = [
  'screenwriter',
  'storyboard_artist',
  'shot_planner',
  'voice_music',
  'editor',
  'renderer',
] as const;
/** One of {@link AGENT_NAMES}. */
export type AgentName = (typeof AGENT_NAMES)[number];

/** The pipeline's stages, in order, each run by one agent. Script2Video skips `script`. */
export const PIPELINE = [
  { stage: 'script', agent: 'screenwriter', title: 'Screenplay' },
  { stage: 'storyboard', agent: 'storyboard_artist', title: 'Storyboard' },
  { stage: 'shots', agent: 'shot_planner', title: 'Shot plan' },
  { stage: 'audio', agent: 'voice_music', title: 'Voice & music' },
  { stage: 'edit', agent: 'editor', title: 'Cut sheet' },
  { stage: 'render', agent: 'renderer', title: 'Video' },
] as const;
/** A stage of {@link PIPELINE}. */
export type StageName = (typeof PIPELINE)[number]['stage'];
/**
 * Every stage name, in pipeline order. Spelled out rather than mapped from {@link PIPELINE} so a
 * client that validates stage names does not bundle the display titles; a test keeps them equal.
 */
export const STAGE_NAMES: readonly StageName[] = [
  'script',
  'storyboard',
  'shots',
  'audio',
  'edit',
  'render',
];

/** How a run began: from a free-text idea (Idea2Video) or from a script (Script2Video). */
export const WORKFLOW_MODES = ['idea', 'script'] as const;
/**
 * Life cycle of a workflow. A run the server was killed during resumes (rule W4); `interrupted`
 * ends a run that was resumed too often (a stage that crashes the server), and stays as stored.
 */
export const WORKFLOW_STATUSES = [
  'queued',
  'running',
  'completed',
  'failed',
  'cancelled',
  'interrupted',
] as const;
/** A workflow status. */
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];
/** Statuses after which a workflow never changes again. */
export const TERMINAL_WORKFLOW_STATUSES: readonly WorkflowStatus[] = [
  'completed',
  'failed',
  'cancelled',
  'interrupted',
];
/** Life cycle of one stage. */
export const STAGE_STATUSES = [
  'waiting',
  'running',
  'completed',
  'failed',
  'skipped',
  'cancelled',
] as const;

/** The longest idea or script accepted. */
export const MAX_WORKFLOW_INPUT_CHARS = 20_000;

const text = string({ max: 2000 });
const seconds = number({ min: 0 });
const count = number({ min: 0, int: true });

/** What a stage produced, discriminated by `kind`. */
export const artifactSchema = tagged('kind', {
  script: {
    title: text,
    logline: text,
    scenes: array(object({ number: count, heading: text, summary: text, lines: array(text) })),
  },
  storyboard: {
    panels: array(object({ scene: count, panel: count, description: text })),
  },
  shots: {
    shots: array(
      object({
        id: string({ max: 32 }),
        scene: count,
        camera: text,
        description: text,
        duration_seconds: seconds,
      }),
    ),
  },
  audio: {
    cues: array(object({ shot_id: string({ max: 32 }), voice: nullable(text), music: text })),
  },
  cut_sheet: {
    total_seconds: seconds,
    entries: array(
      object({
        shot_id: string({ max: 32 }),
        start_seconds: seconds,
        end_seconds: seconds,
        transition: text,
      }),
    ),
  },
  video: {
    /** Where the MP4 is served: `GET /api/workflows/{id}/video` (byte ranges). */
    url: string({ max: 200 }),
    mime_type: string({ max: 100 }),
    duration_seconds: seconds,
    width: count,
    height: count,
    fps: count,
    bytes: count,
  },
});
/** A stage's artifact. */
export type Artifact = Infer<typeof artifactSchema>;

const stageNameSchema = oneOf(STAGE_NAMES);
const agentNameSchema = oneOf(AGENT_NAMES);

/** One stage of a workflow as a snapshot shows it. */
export const stageStateSchema = object({
  stage: stageNameSchema,
  agent: agentNameSchema,
  status: oneOf(STAGE_STATUSES),
  progress: number({ min: 0, max: 100 }),
  started_at: nullable(epochMsSchema),
  completed_at: nullable(epochMsSchema),
  artifact: nullable(artifactSchema),
});
/** One stage of a workflow. */
export type StageState = Infer<typeof stageStateSchema>;

/** A workflow: its input, status and every stage with its artifact. */
export const workflowSchema = object({
  id: idSchema,
  mode: oneOf(WORKFLOW_MODES),
  title: text,
  input: string({ max: MAX_WORKFLOW_INPUT_CHARS }),
  status: oneOf(WORKFLOW_STATUSES),
  queue_position: nullable(count),
  error: nullable(text),
  stages: array(stageStateSchema),
  created_at: epochMsSchema,
  updated_at: epochMsSchema,
});
/** A workflow. */
export type Workflow = Infer<typeof workflowSchema>;

/** The snapshot of `/ws/workflow/{id}`; `workflow` is null until a run with that id starts (W2). */
export const workflowSnapshotSchema = object({
  workflow_id: idSchema,
  workflow: nullable(workflowSchema),
});
/** The snapshot of a workflow room. */
export type WorkflowSnapshot = Infer<typeof workflowSnapshotSchema>;

const wf = { workflow_id: idSchema };
/** Ordered workflow events (rule W3), each applied by {@link applyWorkflowEvent}. */
export const workflowEventVariants = {
  'workflow.created': ordered(object({ ...wf, workflow: workflowSchema })),
  'workflow.queued': ordered(object({ ...wf, position: count, at: epochMsSchema })),
  'workflow.started': ordered(object({ ...wf, at: epochMsSchema })),
  'stage.started': ordered(object({ ...wf, stage: stageNameSchema, at: epochMsSchema })),
  'stage.progress': ordered(
    object({
      ...wf,
      stage: stageNameSchema,
      progress: number({ min: 0, max: 100 }),
      at: epochMsSchema,
    }),
  ),
  'stage.completed': ordered(
    object({ ...wf, stage: stageNameSchema, artifact: artifactSchema, at: epochMsSchema }),
  ),
  'workflow.completed': ordered(object({ ...wf, at: epochMsSchema })),
  'workflow.failed': ordered(
    object({ ...wf, stage: nullable(stageNameSchema), reason: text, at: epochMsSchema }),
  ),
  'workflow.cancelled': ordered(object({ ...wf, at: epochMsSchema })),
  'workflow.interrupted': ordered(object({ ...wf, reason: text, at: epochMsSchema })),
  /** The server restarted during the run: it goes on at `stage` (null: only its end was missing), rule W4. */
  'workflow.resumed': ordered(
    object({ ...wf, stage: nullable(stageNameSchema), at: epochMsSchema }),
  ),
};
/** One ordered workflow event. */
export const workflowEventSchema = tagged('type', workflowEventVariants);
/** One ordered workflow event. */
export type WorkflowEvent = Infer<typeof workflowEventSchema>;

/** Server messages of `/ws/workflow/{id}`. */
export const workflowServerMessage = tagged('type', {
  ...serverControlVariants,
  ...orderedControlVariants(workflowSnapshotSchema),
  ...workflowEventVariants,
});
/** A server message of `/ws/workflow/{id}`. */
export type WorkflowServerMessage = Infer<typeof workflowServerMessage>;

/** An agent's live status, the message of `/ws/agent/{name}`. */
export const agentStatusSchema = object({
  name: agentNameSchema,
  status: oneOf(['idle', 'working', 'error']),
  workflow_id: nullable(idSchema),
  stage: nullable(stageNameSchema),
  completed: count,
  capacity: count,
  active: count,
  last_error: nullable(text),
  updated_at: epochMsSchema,
});
/** An agent's live status. */
export type AgentStatus = Infer<typeof agentStatusSchema>;

/** Server messages of `/ws/agent/{name}`. */
export const agentServerMessage = tagged('type', {
  ...serverControlVariants,
  agent_status: { data: agentStatusSchema },
});
/** A server message of `/ws/agent/{name}`. */
export type AgentServerMessage = Infer<typeof agentServerMessage>;

/** Coordinator metrics, broadcast on `/ws/coordinator` at a steady rate. */
export const coordinatorMetricsSchema = object({
  workflows: object({
    active: count,
    queued: count,
    completed: count,
    failed: count,
    cancelled: count,
    interrupted: count,
  }),
  agents: object({ busy: count, idle: count, error: count }),
  stage_latency_ms: object({ p50: seconds, p95: seconds, p99: seconds, samples: count }),
  completed_last_minute: count,
  connected_clients: count,
  timestamp_ms: epochMsSchema,
});
/** Coordinator metrics. */
export type CoordinatorMetrics = Infer<typeof coordinatorMetricsSchema>;

/** Server messages of `/ws/coordinator`. */
export const coordinatorServerMessage = tagged('type', {
  ...serverControlVariants,
  metrics: { data: coordinatorMetricsSchema },
});
/** A server message of `/ws/coordinator`. */
export type CoordinatorServerMessage = Infer<typeof coordinatorServerMessage>;
