/**
 * Listeners for notification tests, in the emulator: an SNS topic with an
 * SQS queue subscribed, and an EventBridge rule on the default bus (source
 * `haven`) sending to a second queue.
 */
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { eventBridgeClient, snsClient, sqsClient } from '../../vault/aws/clients.js';
import { uniqueName } from './names.js';

/** A queue's URL and ARN. */
export interface TestQueue {
  url: string;
  arn: string;
}

/** Creates a queue any service in the emulator may send to. */
export async function createQueue(prefix: string): Promise<TestQueue> {
  const sqs = sqsClient();
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName(prefix) }));
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  const arn = attrs.Attributes!.QueueArn!;
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage', Resource: arn }] };
  await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { Policy: JSON.stringify(policy) } }));
  return { url: QueueUrl!, arn };
}

/** An SNS topic with a queue subscribed (SNS's JSON envelope, not raw delivery). */
export async function topicWithQueue(): Promise<{ topicArn: string; queue: TestQueue }> {
  const { TopicArn } = await snsClient().send(new CreateTopicCommand({ Name: uniqueName('haven-notify') }));
  const queue = await createQueue('haven-sns');
  await snsClient().send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: queue.arn }));
  return { topicArn: TopicArn!, queue };
}

/** A rule on the default bus matching Haven's events, sending them to a new queue. */
export async function eventsToQueue(): Promise<TestQueue> {
  const queue = await createQueue('haven-events');
  const Name = uniqueName('haven-rule');
  await eventBridgeClient().send(new PutRuleCommand({ Name, EventPattern: JSON.stringify({ source: ['haven'] }), State: 'ENABLED' }));
  await eventBridgeClient().send(new PutTargetsCommand({ Rule: Name, Targets: [{ Id: 'queue', Arn: queue.arn }] }));
  return queue;
}

/** Receives and deletes every message now in the queue; returns their bodies. */
export async function drain(queue: TestQueue): Promise<string[]> {
  const bodies: string[] = [];
  for (;;) {
    const out = await sqsClient().send(new ReceiveMessageCommand({ QueueUrl: queue.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const messages = out.Messages ?? [];
    if (messages.length === 0) return bodies;
    bodies.push(...messages.map((m) => m.Body ?? ''));
    await sqsClient().send(new DeleteMessageBatchCommand({ QueueUrl: queue.url, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
  }
}
