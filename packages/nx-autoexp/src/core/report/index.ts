// The experiment report: one self-contained HTML page built from prediction/, runs/, checkpoints and dev data.
export type { ReportData, ExperimentReport, LearningCurve, CurvePoint, ItemScore, TopicScore, WorstItem } from './types';
export { collectReport, type CollectReportOptions } from './collect-report';
export { learningCurve, readLearningCurve, type CurveLookup } from './learning-curve';
export { devReferences, parseItemScores, topicMeans, worstItems, allTopics, type DevReference } from './dev-items';
export { flatConfigText, diffConfigs, type ConfigDifference } from '../config/config-diff';
export { trainerItemScorer, type ItemScorer } from './score-items';
export { renderReportHtml, type RenderOptions } from './render-html';
export { escapeHtml, jsonForScript, inlineScript } from './html-text';
export { writeReport, defaultReportPath } from './write-report';
export { reportInputStamp } from './input-stamp';
