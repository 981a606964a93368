/** The CronJob controller: creates a CronJob's Jobs on its schedule and keeps their history and its status. */
package io.karst.controllers.cronjob;
