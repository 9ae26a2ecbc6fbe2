using AutoDesign.Contracts;
using AutoDesign.Dashboard.Api;
using AutoDesign.Dashboard.Components.Pages;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace AutoDesign.Dashboard.Tests;

public class NewJobFormTests : DashboardTest
{
    [Fact]
    public void The_APIs_messages_appear_beside_the_fields_they_name_and_nothing_navigates()
    {
        Api.SubmitAnswer = _ => new ApiOutcome<JobView>.Invalid(new Dictionary<string, string[]>
        {
            ["constraint.ratio"] = ["must be in (0, 1], got 1.5"],
            ["budget.episodes"] = ["must be between 1 and 100,000, got 0"],
            ["pruning.lowerBound"] = ["must be in (0, 1]"],
        });
        var page = Render<NewJobPage>();
        var navigation = Services.GetRequiredService<NavigationManager>();
        string before = navigation.Uri;

        page.Find("#limit").Change("1.5");
        page.Find("#episodes").Change("0");
        page.Find("form").Submit();

        Assert.Contains("must be in (0, 1], got 1.5", page.Find("[data-field='constraint.ratio'] .field-error").TextContent);
        Assert.Contains("got 0", page.Find("[data-field='budget.episodes'] .field-error").TextContent);
        Assert.Contains("pruning.lowerBound: must be in (0, 1]", page.Markup); // a field the form has no input for is still named
        Assert.Equal(before, navigation.Uri);
        Assert.Equal(1.5, Api.Submitted.Single().Constraint!.Ratio);
    }

    [Fact]
    public void A_valid_job_is_submitted_as_filled_in_and_opens_its_page()
    {
        var created = FakeApi.Job("quantize", "resnet20", "random", "queued", null, 0, 30, DateTime.UtcNow);
        Api.SubmitAnswer = _ => new ApiOutcome<JobView>.Done(created);
        var page = Render<NewJobPage>();

        page.Find("#kind").Change("quantize");
        page.Find("#model").Change("resnet20");
        page.Find("#dataset").Change("fashion-mnist");
        page.Find("#agent").Change("random");
        page.Find("#target").Change("bitfusion");
        page.Find("#limit").Change("0.4");
        page.Find("#episodes").Change("30");
        page.Find("#seed").Change("7");
        page.Find("form").Submit();

        var spec = Api.Submitted.Single();
        Assert.Equal(("quantize", "resnet20", "fashion-mnist", "random", 7), (spec.Kind, spec.Model, spec.Dataset, spec.Agent, spec.Seed));
        Assert.Equal(("latency", "bitfusion", 0.4, null), (spec.Constraint!.Metric, spec.Constraint.Target, spec.Constraint.Ratio, spec.Constraint.Max));
        Assert.Equal(30, spec.Budget!.Episodes);
        Assert.Null(spec.Budget.WarmupEpisodes); // warm-up is ddpg's
        Assert.EndsWith($"jobs/{created.Id}", Services.GetRequiredService<NavigationManager>().Uri);
    }

    [Fact]
    public void The_choices_come_from_the_service()
    {
        var page = Render<NewJobPage>();

        Assert.Equal(["lenet5", "resnet20"], page.FindAll("#models option").Select(o => o.GetAttribute("value")));
        Assert.Equal(["mnist", "fashion-mnist"], page.FindAll("#dataset option").Select(o => o.GetAttribute("value")));
        page.Find("#metric").Change("latency");
        Assert.Contains("torchsharp-cpu", page.FindAll("#target option").Select(o => o.GetAttribute("value")));
    }

    [Fact]
    public void When_the_server_wants_a_key_the_form_asks_for_one_and_the_session_keeps_it()
    {
        Api.SubmitAnswer = _ => new ApiOutcome<JobView>.NeedsKey("this change needs an API key (header X-Api-Key)");
        var page = Render<NewJobPage>();
        Assert.Empty(page.FindAll(".key-prompt"));

        page.Find("form").Submit();
        page.Find(".key-prompt input").Change("secret-key");
        page.Find(".key-prompt button").Click();

        Assert.Equal("secret-key", Services.GetRequiredService<ApiKeySession>().Key);
        Assert.Empty(page.FindAll(".key-prompt"));
        Assert.Contains("needs an API key", page.Markup);
    }

    [Fact]
    public void An_architecture_search_over_a_super_network_is_submitted_with_its_evaluations_and_absolute_limit()
    {
        Api.SubmitAnswer = spec => new ApiOutcome<JobView>.Done(FakeApi.Job("nas", "fashion", "evolution", "queued", null, 0, 50, DateTime.UtcNow));
        var page = Render<NewJobPage>();

        page.Find("#kind").Change("nas");
        page.Find("#supernet").Change("fashion");
        page.Find("#nas-dataset").Change("fashion-mnist");
        page.Find("#nas-metric").Change("latency");
        page.Find("#target").Change("torchsharp-cpu");
        page.Find("#limit").Change("2.5");
        page.Find("#evaluations").Change("50");
        page.Find("form").Submit();

        var spec = Api.Submitted.Single();
        Assert.Equal(("nas", "fashion", "fashion-mnist", "evolution"), (spec.Kind, spec.Supernet, spec.Dataset, spec.Agent));
        Assert.Null(spec.Space);
        Assert.Equal(("latency", "torchsharp-cpu", null, 2.5), (spec.Constraint!.Metric, spec.Constraint.Target, spec.Constraint.Ratio, spec.Constraint.Max));
        Assert.Equal(50, spec.Budget!.Evaluations);
        Assert.Null(spec.Budget.Episodes);
        Assert.Null(spec.Predictor);
    }

    [Fact]
    public void A_predictor_guided_search_is_submitted_with_its_predictor_and_how_many_to_confirm()
    {
        Api.SubmitAnswer = spec => new ApiOutcome<JobView>.Done(FakeApi.Job("nas", "fashion", "nsga2", "queued", null, 0, 2000, DateTime.UtcNow));
        var page = Render<NewJobPage>();

        page.Find("#kind").Change("nas");
        page.Find("#supernet").Change("fashion");
        page.Find("#predictor").Change("fasttree");
        page.Find("#evaluations").Change("2000");
        page.Find("#confirm").Change("5");
        page.Find("form").Submit();

        var spec = Api.Submitted.Single();
        Assert.Equal(2000, spec.Budget!.Evaluations);
        Assert.Equal(("fasttree", 5), (spec.Predictor!.Model, spec.Predictor.Confirm));
    }
}
