/** The parts of a CloudFormation template the local cloud reads. */

/** One resource. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
}

/** A synthesized template. */
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Conditions?: Record<string, unknown>;
  Parameters?: Record<string, { Default?: unknown }>;
  Outputs?: Record<string, { Value: unknown }>;
}

/** A synthesized template with the files its assets point at. */
export interface SynthesizedStack {
  stackName: string;
  template: CfnTemplate;
  /** State machine definitions by the asset object key (`<hash>.json`) the template names. */
  definitionAssets: ReadonlyMap<string, string>;
}
