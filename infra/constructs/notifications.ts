/**
 * Haven's notification topic: an SNS topic encrypted with its own KMS key
 * (rotated), publishable over TLS only, with the e-mail and HTTPS
 * subscriptions the deployment lists. The functions that publish outcome
 * events get `sns:Publish` (and the key use SNS needs) and the topic's ARN
 * in {@link HavenEnv.NotificationTopicArn}; CloudWatch alarms may publish to it
 * (key and topic policy allow `cloudwatch.amazonaws.com` from this account).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { HavenEnv } from '../../control/env.js';
import { InvalidPropsError } from '../errors.js';
import { KeyService, viaService } from '../via-service.js';
import type { HavenFunction } from './haven-function.js';

/** What a publisher needs on the topic's key (SNS encrypts each message with a data key). */
export const NOTIFICATION_KEY_ACTIONS = ['kms:Decrypt', 'kms:GenerateDataKey'] as const;

/** Props of {@link HavenNotifications}. */
export interface HavenNotificationsProps {
  /** E-mail addresses subscribed to the topic (each must confirm). @default none */
  readonly emailAddresses?: readonly string[];
  /** HTTPS endpoints subscribed to the topic (`https://` only). @default none */
  readonly httpsEndpoints?: readonly string[];
  /** @default `Haven` */
  readonly displayName?: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The topic, its key and its subscriptions. */
export class HavenNotifications extends Construct {
  /** The key encrypting the topic's messages at rest. */
  readonly key: kms.Key;
  /** The topic. */
  readonly topic: sns.Topic;

  /**
   * @param scope - the parent construct
   * @param id - the construct id
   * @param props - the subscriptions
   * @throws InvalidPropsError for an address that is not an e-mail, or an endpoint that is not https://
   */
  constructor(scope: Construct, id: string, props: HavenNotificationsProps = {}) {
    super(scope, id);
    const emails = [...new Set(props.emailAddresses ?? [])];
    const endpoints = [...new Set(props.httpsEndpoints ?? [])];
    const badEmail = emails.find((e) => !EMAIL.test(e));
    if (badEmail !== undefined) throw new InvalidPropsError(`${id}: not an e-mail address: ${JSON.stringify(badEmail)}`);
    const badEndpoint = endpoints.find((u) => !u.startsWith('https://'));
    if (badEndpoint !== undefined) throw new InvalidPropsError(`${id}: subscriptions must be https:// endpoints, got ${JSON.stringify(badEndpoint)}`);

    const account = Stack.of(this).account;
    this.key = new kms.Key(this, 'Key', {
      description: 'Haven notifications: encrypts the notification topic',
      enableKeyRotation: true,
      pendingWindow: Duration.days(7),
      // The key guards messages in flight only; nothing stays encrypted under it once the topic is gone.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const cloudWatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
    this.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );

    this.topic = new sns.Topic(this, 'Topic', { displayName: props.displayName ?? 'Haven', masterKey: this.key, enforceSSL: true });
    this.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToPublish',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': account } },
      }),
    );
    for (const email of emails) this.topic.addSubscription(new subscriptions.EmailSubscription(email));
    for (const url of endpoints) this.topic.addSubscription(new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS }));
  }

  /**
   * Lets a function publish notifications: `sns:Publish` on the topic, and
   * on its key the two actions SNS takes with the publisher's authority for
   * an encrypted topic (`kms:GenerateDataKey`, `kms:Decrypt`), only through
   * SNS; and the topic's ARN in its environment.
   *
   * @param fn - a function that publishes outcome events
   */
  attach(fn: HavenFunction): void {
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: [this.topic.topicArn] }));
    fn.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: [...NOTIFICATION_KEY_ACTIONS], resources: [this.key.keyArn], conditions: viaService(this, [KeyService.SNS]) }));
    fn.function.addEnvironment(HavenEnv.NotificationTopicArn, this.topic.topicArn);
  }
}
